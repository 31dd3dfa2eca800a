package io.connectors.api.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** Every knob of the gateway, under {@code connectors.*}; each is overridable by environment variable. */
@ConfigMapping(prefix = "connectors")
public interface ConnectorsConfig {

    /** Namespace of the gateway's own objects: the feature-flag ConfigMap, CA-certificate Secrets. */
    @WithDefault("connectors-system")
    String systemNamespace();

    /** Namespaces whose Connectors (and their Secrets) are served; empty means all namespaces. */
    Optional<List<String>> namespaces();

    /** Name of the feature-flag ConfigMap in the system namespace. */
    @WithDefault("connectors-config")
    String configMapName();

    Secrets secrets();

    Auth auth();

    Proxy proxy();

    CustomApi customApi();

    StatusWriter statusWriter();

    Destinations destinations();

    Metrics metrics();

    /**
     * The gateway's URL as its callers reach it (scheme, host, port and the path it is mounted
     * under), for the {@code servers} of the OpenAPI documents and any Location the gateway writes.
     * When unset, it is taken from the request, and from a trusted proxy's X-Forwarded-Proto, -Host
     * and -Prefix (see {@link Proxy#trustForwardedHeaders()}).
     */
    Optional<String> publicUrl();

    ApiRefs apiRefs();

    ApiSpec apiSpec();

    Registry registry();

    ForwardProxy forwardProxy();

    interface Secrets {
        /**
         * Keep Secrets that can never be a Connector's credentials (service-account tokens, Helm
         * releases) out of the informer, and so out of memory.
         */
        @WithDefault("true")
        boolean skipUnusableTypes();

        /**
         * Whether {@code spec.auth.secretRef.namespace} may point outside the Connector's namespace.
         * Off by default: it would let whoever writes a Connector spend another namespace's Secret.
         */
        @WithDefault("false")
        boolean allowCrossNamespace();

        /**
         * Whether a Connector may only use Secrets labelled {@code connectors.cpaas.io/connector-secret: "true"}.
         * On by default: otherwise whoever may write a Connector, but not read Secrets, could point it at
         * any Secret of its namespace and at a server of theirs, and receive that Secret's credentials.
         * Off is the upstream behaviour.
         */
        @WithDefault("true")
        boolean requireLabel();
    }

    interface Auth {
        /** Audiences asked for in TokenReviews; empty means the API server's default. */
        Optional<List<String>> audiences();

        @WithDefault("2m")
        Duration tokenTtl();

        @WithDefault("5m")
        Duration allowTtl();

        @WithDefault("30s")
        Duration denyTtl();

        /** TokenReviews in flight at once; beyond that a new token is answered 503 (no queue). */
        @WithDefault("128")
        int maxConcurrentReviews();

        /** Failed authentications per client address and minute before it gets 429; 0 turns the limit off. */
        @WithDefault("100")
        int maxFailuresPerMinute();

        /** Entries per cache (tokens; access decisions). */
        @WithDefault("10000")
        long cacheSize();

        /**
         * SubjectAccessReviews one request for a namespace's OpenAPI document (one per Connector of
         * the namespace) has in flight at once: a namespace of many Connectors is reviewed a few at
         * a time, not all at once.
         */
        @WithDefault("4")
        int maxReviewsPerDocument();
    }

    interface Proxy {
        @WithDefault("10s")
        Duration connectTimeout();

        /**
         * Longest time with no byte moving in either direction between the gateway and a tool (upload
         * or download); there is no total timeout.
         */
        @WithDefault("60s")
        Duration idleTimeout();

        /** Largest request body accepted, by Content-Length; unset means no limit. */
        OptionalLong maxRequestBytes();

        /** Connections kept per tool (host, port). */
        @WithDefault("64")
        int maxPoolSize();

        /**
         * Calls one Connector may have under way at one tool (of {@link #maxPoolSize()}), so that the
         * callers of one Connector cannot keep every other Connector of that tool waiting; unset means
         * half of {@code max-pool-size}. Its waiters may take the same fraction of
         * {@link #maxWaitingRequests()}, and freed places go to the Connectors with waiters in turn.
         */
        OptionalInt maxPoolSizePerConnector();

        /** Requests that may wait for a connection to one tool when its pool is full; beyond that, 503 at once. */
        @WithDefault("1024")
        int maxWaitingRequests();

        /** How long a request waits for a pooled connection to a tool before it is answered 503. */
        @WithDefault("10s")
        Duration poolWaitTimeout();

        /** Whether inbound X-Forwarded-* headers are kept (only behind a trusted proxy). */
        @WithDefault("false")
        boolean trustForwardedHeaders();

        /**
         * When set, X-Forwarded-* are trusted only from these peers (CIDRs or IP addresses of the
         * proxies in front of the gateway), and only with {@link #trustForwardedHeaders()} on:
         * anyone else who reaches the gateway could otherwise choose them.
         */
        Optional<List<String>> trustedProxies();

        /**
         * Caller headers never forwarded, on top of the built-in ones (credentials, Impersonate-*,
         * X-Remote-*, X-Auth-Request-*, X-Forwarded-User, ...): names, or prefixes ending in "*".
         */
        Optional<List<String>> stripRequestHeaders();

        /** Whether the tool's Set-Cookie headers reach the caller. */
        @WithDefault("false")
        boolean passSetCookie();

        /** Accept any TLS certificate from tools. For labs only. */
        @WithDefault("false")
        boolean insecureSkipVerify();
    }

    interface CustomApi {
        /** Scheme used when a ConnectorClass's spec.api.ref names a Service. */
        @WithDefault("http")
        String serviceScheme();

        @WithDefault("cluster.local")
        String clusterDomain();
    }

    interface StatusWriter {
        @WithDefault("true")
        boolean enabled();

        @WithName("lease-name")
        @WithDefault("connectors-api-status-writer")
        String leaseName();

        /** How often the leader re-checks every status, on top of reacting to changes. */
        @WithDefault("5m")
        java.time.Duration resync();
    }

    /**
     * Where requests (and so Secrets) may go, besides the link-local and metadata addresses that
     * are always refused. Entries are CIDRs, matched against the address actually connected to
     * after DNS, or host names ({@code *.example.com} wildcards), matched against the URL's host.
     */
    interface Destinations {
        /** Never called; wins over {@link #allow()}. */
        Optional<List<String>> deny();

        /** When set, only destinations matching one of these are called. */
        Optional<List<String>> allow();
    }

    interface Metrics {
        /**
         * Most distinct (namespace, class) pairs labelling {@code connectors_requests_seconds};
         * further pairs are counted under {@code _other}, so label memory stays bounded whoever calls.
         */
        @WithDefault("500")
        int maxLabelValues();
    }

    /** References of ConnectorClasses ({@code spec.api.ref}, {@code spec.proxy.ref}) to other kinds than core Services. */
    interface ApiRefs {
        /**
         * The kinds ({@code Kind.group}) the gateway reads to resolve such refs; each needs a
         * get/list/watch rule in the gateway's ClusterRole. A ref to a kind not listed is not resolved.
         */
        Optional<List<String>> kinds();
    }

    /** OpenAPI documents that class APIs serve themselves (annotation {@code connectors.alauda.io/api-spec-path}). */
    interface ApiSpec {
        /** How often each document is fetched again (with If-None-Match), besides when its class or address changes. */
        @WithDefault("5m")
        Duration refreshPeriod();

        /** Largest document accepted; a larger one is a failed fetch (the last good document stays). */
        @WithDefault("4194304")
        int maxBytes();
    }

    /** Container registries: the token flow of proxy mode and the /v2/ route for registry clients. */
    interface Registry {
        /**
         * How long a token of the gateway's registry token endpoint ({@code /v2/token}) is valid.
         * Short: it stands for a reviewed Kubernetes token, which may be revoked meanwhile.
         */
        @WithDefault("5m")
        Duration tokenTtl();

        /** Gateway registry tokens held at once; the oldest go first beyond that. */
        @WithDefault("10000")
        long maxTokens();

        /** Registry tokens obtained from registries' token services, kept until shortly before they expire. */
        @WithDefault("10000")
        long upstreamTokenCacheSize();
    }

    /**
     * The forward proxy (docs/forward-proxy.md): its own port, where clients configured with an HTTP
     * proxy name the Connectors in {@code Proxy-Authorization} and use the tool's own URLs.
     */
    interface ForwardProxy {
        /** Whether the forward proxy's port is opened at all. */
        @WithDefault("true")
        boolean enabled();

        /** Its port, on the main listener's host ({@code quarkus.http.host}); 0 picks a free one (tests). */
        @WithDefault("8081")
        int port();

        /**
         * The {@code kubernetes.io/tls} Secret in the system namespace whose certificate and key sign
         * the certificates served inside {@code CONNECT} tunnels; without it, {@code CONNECT} is refused.
         */
        @WithDefault("connectors-proxy-ca")
        String caSecret();

        /** Issued certificates kept (one per host the tunnels name); the least used go first beyond that. */
        @WithDefault("1000")
        int maxCertificates();
    }
}
