// goproxy: the benchmark's Go peer. It does per request what the upstream Connectors proxy (Go,
// net/http/httputil) does: the caller's bearer token decided from a cache (a TokenReview, then a
// SubjectAccessReview for `get` on the Connector, both asked of the kube-apiserver on a miss and
// kept for two minutes), the caller's Authorization stripped, the tool's injected, and
// httputil.ReverseProxy with pooled keep-alive connections to the tool. Standard library only.
package main

import (
	"bytes"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"
)

type decision struct {
	allowed bool
	expires time.Time
}

type authorizer struct {
	api       string
	token     string
	client    *http.Client
	namespace string
	connector string
	ttl       time.Duration
	mu        sync.RWMutex
	cache     map[[32]byte]decision
}

func (a *authorizer) allowed(token string) (bool, error) {
	key := sha256.Sum256([]byte(token))
	now := time.Now()
	a.mu.RLock()
	d, ok := a.cache[key]
	a.mu.RUnlock()
	if ok && now.Before(d.expires) {
		return d.allowed, nil
	}
	allowed, err := a.review(token)
	if err != nil {
		return false, err // errors are never cached
	}
	a.mu.Lock()
	a.cache[key] = decision{allowed, now.Add(a.ttl)}
	a.mu.Unlock()
	return allowed, nil
}

func (a *authorizer) review(token string) (bool, error) {
	var tr struct {
		Status struct {
			Authenticated bool `json:"authenticated"`
			User          struct {
				Username string              `json:"username"`
				UID      string              `json:"uid"`
				Groups   []string            `json:"groups"`
				Extra    map[string][]string `json:"extra"`
			} `json:"user"`
		} `json:"status"`
	}
	if err := a.post("/apis/authentication.k8s.io/v1/tokenreviews", map[string]interface{}{
		"apiVersion": "authentication.k8s.io/v1", "kind": "TokenReview",
		"spec": map[string]interface{}{"token": token},
	}, &tr); err != nil {
		return false, err
	}
	if !tr.Status.Authenticated {
		return false, nil
	}
	var sar struct {
		Status struct {
			Allowed bool `json:"allowed"`
		} `json:"status"`
	}
	u := tr.Status.User
	if err := a.post("/apis/authorization.k8s.io/v1/subjectaccessreviews", map[string]interface{}{
		"apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview",
		"spec": map[string]interface{}{
			"user": u.Username, "uid": u.UID, "groups": u.Groups, "extra": u.Extra,
			"resourceAttributes": map[string]interface{}{
				"verb": "get", "group": "connectors.alauda.io", "resource": "connectors",
				"namespace": a.namespace, "name": a.connector,
			},
		},
	}, &sar); err != nil {
		return false, err
	}
	return sar.Status.Allowed, nil
}

func (a *authorizer) post(path string, body interface{}, into interface{}) error {
	payload, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, a.api+path, bytes.NewReader(payload))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+a.token)
	resp, err := a.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s: %s", path, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(into)
}

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "address to serve on (loopback)")
	upstream := flag.String("upstream", "", "the tool's URL")
	inject := flag.String("inject", "", "the Authorization value sent to the tool")
	api := flag.String("api", os.Getenv("KUBE_API_URL"), "kube-apiserver URL")
	caFile := flag.String("ca", os.Getenv("KUBE_CA_FILE"), "kube-apiserver CA file")
	tokenFile := flag.String("token-file", "", "file with the token that may create TokenReviews and SARs")
	namespace := flag.String("namespace", "default", "the Connector's namespace")
	connector := flag.String("connector", "", "the Connector's name")
	flag.Parse()

	target, err := url.Parse(*upstream)
	if err != nil || *upstream == "" || *connector == "" || *tokenFile == "" {
		log.Fatal("usage: goproxy -upstream URL -inject VALUE -token-file FILE -connector NAME [-listen ADDR]")
	}
	token, err := os.ReadFile(*tokenFile)
	if err != nil {
		log.Fatal(err)
	}
	pool := x509.NewCertPool()
	if *caFile != "" {
		pem, err := os.ReadFile(*caFile)
		if err != nil {
			log.Fatal(err)
		}
		pool.AppendCertsFromPEM(pem)
	}
	auth := &authorizer{
		api:   strings.TrimRight(*api, "/"),
		token: strings.TrimSpace(string(token)),
		client: &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
			TLSClientConfig: &tls.Config{RootCAs: pool}, MaxIdleConnsPerHost: 16}},
		namespace: *namespace, connector: *connector, ttl: 2 * time.Minute,
		cache: map[[32]byte]decision{},
	}

	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.Transport = &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        1024,
		MaxIdleConnsPerHost: 1024,
		IdleConnTimeout:     90 * time.Second,
	}
	director := proxy.Director
	proxy.Director = func(r *http.Request) {
		director(r)
		r.Host = target.Host
		r.Header.Set("Authorization", *inject)
	}

	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := r.Header.Get("Authorization")
		if len(h) < 7 || !strings.EqualFold(h[:7], "bearer ") {
			http.Error(w, "a bearer token is required", http.StatusUnauthorized)
			return
		}
		ok, err := auth.allowed(strings.TrimSpace(h[7:]))
		if err != nil {
			http.Error(w, "review failed", http.StatusServiceUnavailable)
			return
		}
		if !ok {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		r.Header.Del("Authorization")
		proxy.ServeHTTP(w, r)
	})

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ln.Addr().String()) // the port, for the script that started it
	log.Fatal((&http.Server{Handler: handler, ReadHeaderTimeout: 30 * time.Second}).Serve(ln))
}
