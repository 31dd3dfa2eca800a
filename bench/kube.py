#!/usr/bin/env python3
"""Bulk objects for bench/run.sh on the local cluster (scripts/local-cluster.sh), over keep-alive
HTTPS with the admin token: kubectl would take minutes for 10,000 objects. Standard library only.
Reads KUBE_API_URL, KUBE_CA_FILE, KUBE_TOKEN_ADMIN from the environment.

  kube.py scale NS CONNECTORS CLASSES PATHS TOOL_URL
      CLASSES ConnectorClasses scale-<i> with a custom API (TOOL_URL) and PATHS OpenAPI paths each,
      CONNECTORS Connectors <NS>/c-<i> of class scale-<i % CLASSES>, get on them for alice.
  kube.py tokens NS TOKENS CONNECTORS PER_TOKEN REPEAT TOOL_URL LIST_FILE
      CONNECTORS Connectors <NS>/t-<i> (class bench-proxy, basic-auth Secret), TOKENS
      ServiceAccounts with a TokenRequest token each, get on the Connectors for all of them; writes
      LIST_FILE (mode 600): REPEAT times "TOKEN /connectors/v1alpha1/NS/t-<c>/path/small.json" for
      PER_TOKEN Connectors per token, shuffled; prints the number of (token, Connector) pairs.
  kube.py metric RESOURCE...
      prints, per resource, the sum of apiserver_request_total{resource=RESOURCE} (all verbs, codes).
"""
import http.client
import json
import os
import random
import re
import ssl
import sys
import threading
import urllib.parse

API = urllib.parse.urlparse(os.environ["KUBE_API_URL"])
CONTEXT = ssl.create_default_context(cafile=os.environ["KUBE_CA_FILE"])
HEADERS = {"Authorization": "Bearer " + os.environ["KUBE_TOKEN_ADMIN"], "Content-Type": "application/json"}
GROUP = "/apis/connectors.alauda.io/v1alpha1"


def connection():
    return http.client.HTTPSConnection(API.hostname, API.port, context=CONTEXT, timeout=60)


def call(conn, method, path, body=None, ok=(200, 201, 409)):
    conn.request(method, path, body=None if body is None else json.dumps(body), headers=HEADERS)
    response = conn.getresponse()
    data = response.read()
    if response.status not in ok:
        raise RuntimeError(f"{method} {path}: {response.status} {data[:300]!r}")
    return response.status, data


def parallel(items, work, threads=4):
    """Runs work(conn, item) for every item on `threads` keep-alive connections."""
    chunks = [items[i::threads] for i in range(threads)]
    errors = []
    results = [None] * threads

    def run(index):
        conn = connection()
        try:
            results[index] = [work(conn, item) for item in chunks[index]]
        except Exception as e:  # reported below, the whole run fails
            errors.append(e)

    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    if errors:
        raise errors[0]
    return [r for chunk in results for r in chunk]


def template(i):
    return ["/api/v4/resource%d", "/api/v4/projects/{id}/resource%d", "/api/v4/projects/{id}/resource%d/{item}",
            "/api/v4/groups/{group}/resource%d/{item}/detail", "/custom/resource%d/{name}.json"][i % 5] % i


def namespace(conn, ns):
    call(conn, "POST", "/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})


def role(conn, ns, subjects):
    call(conn, "POST", f"/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/roles", {
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": "use-connectors"},
        "rules": [{"apiGroups": ["connectors.alauda.io"], "resources": ["connectors"], "verbs": ["get"]}]})
    call(conn, "POST", f"/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/rolebindings", {
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": {"name": "use-connectors"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "use-connectors"},
        "subjects": subjects})


def scale(ns, connectors, classes, paths, tool):
    conn = connection()
    namespace(conn, ns)
    role(conn, ns, [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "alice"}])
    openapi = {"openapi": "3.0.1", "info": {"title": "scale", "version": "1"},
               "paths": {template(i): {"get": {"x-provider-type": "api"}, "post": {}} for i in range(paths)}}

    def make_class(c, i):
        call(c, "POST", GROUP + "/connectorclasses", {
            "apiVersion": "connectors.alauda.io/v1alpha1", "kind": "ConnectorClass", "metadata": {"name": f"scale-{i}"},
            "spec": {"api": {"uri": tool, "openapi": openapi}}})

    def make_connector(c, i):
        call(c, "POST", f"{GROUP}/namespaces/{ns}/connectors", {
            "apiVersion": "connectors.alauda.io/v1alpha1", "kind": "Connector", "metadata": {"name": f"c-{i}"},
            "spec": {"connectorClassName": f"scale-{i % classes}", "address": tool}})

    parallel(list(range(classes)), make_class)
    parallel(list(range(connectors)), make_connector)


def tokens(ns, count, connectors, per_token, repeat, tool, list_file):
    conn = connection()
    namespace(conn, ns)
    role(conn, ns, [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": f"system:serviceaccounts:{ns}"}])
    call(conn, "POST", f"/api/v1/namespaces/{ns}/secrets", {
        "apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/basic-auth",
        "metadata": {"name": "tool-basic", "labels": {"connectors.cpaas.io/connector-secret": "true"}},
        "stringData": {"username": "bench", "password": "bench-password"}})

    def make_connector(c, i):
        call(c, "POST", f"{GROUP}/namespaces/{ns}/connectors", {
            "apiVersion": "connectors.alauda.io/v1alpha1", "kind": "Connector", "metadata": {"name": f"t-{i}"},
            "spec": {"connectorClassName": "bench-proxy", "address": tool,
                     "auth": {"name": "basicAuth", "secretRef": {"name": "tool-basic"}}}})

    def make_token(c, i):
        call(c, "POST", f"/api/v1/namespaces/{ns}/serviceaccounts",
             {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": f"sa-{i}"}})
        _, data = call(c, "POST", f"/api/v1/namespaces/{ns}/serviceaccounts/sa-{i}/token", {
            "apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest", "spec": {"expirationSeconds": 3600}},
            ok=(200, 201))
        return json.loads(data)["status"]["token"]

    parallel(list(range(connectors)), make_connector)
    minted = parallel(list(range(count)), make_token)
    lines = []
    pairs = set()
    for t, token in enumerate(minted):
        for j in range(per_token):
            c = (t * per_token + j) % connectors
            pairs.add((t, c))
            lines += [f"{token} /connectors/v1alpha1/{ns}/t-{c}/path/small.json"] * repeat
    random.Random(10).shuffle(lines)
    fd = os.open(list_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write("\n".join(lines) + "\n")
    print(len(pairs))


def metric(resources):
    conn = connection()
    _, data = call(conn, "GET", "/metrics", ok=(200,))
    sums = {r: 0 for r in resources}
    for line in data.decode().splitlines():
        if line.startswith("apiserver_request_total{"):
            m = re.search(r'resource="([^"]*)"', line)
            if m and m.group(1) in sums:
                sums[m.group(1)] += int(float(line.rsplit(" ", 1)[1]))
    print(" ".join(str(sums[r]) for r in resources))


if __name__ == "__main__":
    what = sys.argv[1]
    if what == "scale":
        scale(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6])
    elif what == "tokens":
        tokens(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), sys.argv[7],
               sys.argv[8])
    elif what == "metric":
        metric(sys.argv[2:])
    else:
        sys.exit(__doc__)
