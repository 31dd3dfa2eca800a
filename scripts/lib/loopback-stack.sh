# loopback-stack.sh - sourced by scripts/bench.sh and scripts/soak.sh (not run on its own): the
# packaged gateway in front of a real tool, on a local cluster, everything on 127.0.0.1.
#
#   stack_install_tools            wrk and nginx-light from Debian when missing
#   stack_lock NAME                one run of NAME at a time (the runs share target/NAME)
#   stack_nginx WORK BIG_MIB       nginx on a free port: /small.json (1 KiB), /big.bin (BIG_MIB MiB),
#                                  /upload (body discarded), PUT /dav/* (stored in WORK/www/dav),
#                                  /slow (answers after 30 s), /nginx_status (stub_status);
#                                  sets TOOL_PORT, TOOL; STACK_NGINX_EXTRA, if set, goes into its server block
#   stack_cluster WORK             scripts/local-cluster.sh + CRDs + one Connector default/static to
#                                  the tool (bearer-token Secret, write passthrough on), get for alice;
#                                  sources the cluster's env (KUBE_TOKEN_ALICE, KUBECTL, …)
#   stack_gateway WORK JAVA_OPT…   java JAVA_OPT… -jar WORK/app/quarkus-run.jar (a copy of
#                                  target/quarkus-app, so a rebuild cannot pull classes from under it;
#                                  with GATEWAY_NATIVE=target/…-runner, that executable JAVA_OPT…),
#                                  plain HTTP on a free port, management on another; waits for ready;
#                                  sets GW_PID, GW_PORT, GW_MANAGEMENT_PORT, GW, READY_MS;
#                                  with STACK_GATEWAY_NO_WAIT=1 it returns once started (GW_START_NS set,
#                                  READY_MS not), for callers that time the start themselves
#   gw_upstream_calls              the gateway's requests under way or waiting at upstreams (its gauge
#                                  connectors_upstream_calls, summed), once it stops falling or after 5 s
#   stack_cleanup                  stops what the functions above started (install it as an EXIT trap)
#   cpu_ticks PID…                 CPU time (user + system, clock ticks) of these processes, summed
#   stack_ab WORK BIG_MIB          the whole stack of the A/B scripts (bench/quick.sh, bench/streams.sh):
#                                  builds the app if missing, holds the bench-quick lock, installs
#                                  stack_cleanup, then nginx, the cluster and the gateway (with
#                                  GATEWAY_JAVA_OPTS); writes WORK/auth.header (alice's token, 0600)
# Callers set HERE, ROOT and log() before sourcing.

STACK_PIDS=()
STACK_WORK=""

stack_install_tools() {
  if ! command -v wrk >/dev/null || ! command -v nginx >/dev/null; then
    log "installing wrk and nginx-light"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx-light >/dev/null 2>&1 \
      || { apt-get update -qq >/dev/null 2>&1; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx-light >/dev/null; }
  fi
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

stack_lock() {
  mkdir -p "$ROOT/target"
  # fd 9 stays open for the whole run; a second run would wipe this one's state and kill its servers.
  exec 9>"$ROOT/target/$1.lock"
  flock -n 9 || { log "another scripts/$1.sh is running"; exit 3; }
}

stack_cleanup() {
  local pid
  for pid in "${STACK_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  # The gateway drains for up to quarkus.shutdown.timeout after SIGTERM, holding the run's lock (fd 9)
  # meanwhile: wait for it, so that the next run of the same script finds the lock free.
  for pid in "${STACK_PIDS[@]}"; do
    for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  [[ -n "$STACK_WORK" ]] || return 0
  [[ -f "$STACK_WORK/nginx/nginx.pid" ]] && kill "$(cat "$STACK_WORK/nginx/nginx.pid")" 2>/dev/null || true
  "$HERE/local-cluster.sh" stop "$STACK_WORK/cluster" >/dev/null 2>&1 || true
}

stack_nginx() {
  local work="$1" big_mib="$2" echo_module="" slow
  STACK_WORK="$work"
  mkdir -p "$work/www/dav" "$work/nginx"
  head -c 1024 /dev/urandom | base64 -w0 | head -c 1024 > "$work/www/small.json"
  head -c $((big_mib * 1024 * 1024)) /dev/urandom > "$work/www/big.bin"
  # Debian's nginx-light ships the echo module: /slow then holds its answer 30 s without a byte.
  for m in /usr/lib/nginx/modules/ngx_http_echo_module.so /usr/share/nginx/modules/ngx_http_echo_module.so; do
    [[ -f "$m" ]] && { echo_module="load_module $m;"; break; }
  done
  if [[ -n "$echo_module" ]]; then slow='echo_sleep 30; echo "late";'; else slow='alias '"$work"'/www/big.bin; limit_rate 1k;'; fi
  TOOL_PORT=$(free_port)
  TOOL="http://127.0.0.1:$TOOL_PORT"
  cat > "$work/nginx/nginx.conf" <<EOF
$echo_module
worker_processes 1;
worker_rlimit_nofile 8192;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx; proxy_temp_path $work/nginx; fastcgi_temp_path $work/nginx;
  uwsgi_temp_path $work/nginx; scgi_temp_path $work/nginx;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$TOOL_PORT;
    root $work/www;
    client_max_body_size 0;
    location /upload { client_body_buffer_size 64k; proxy_request_buffering off; return 200 "ok\n"; }
    location /dav/ { dav_methods PUT; create_full_put_path on; }
    location = /slow { $slow }
    location = /nginx_status { stub_status; }
    ${STACK_NGINX_EXTRA:-}
  }
}
EOF
  # nginx's workers drop root: they store PUTs in WORK/www/dav
  chmod 0777 "$work/www/dav"
  nginx -c "$work/nginx/nginx.conf"
}

stack_cluster() {
  local work="$1" env_file
  STACK_WORK="$work"
  env_file=$("$HERE/local-cluster.sh" start "$work/cluster" | tail -1)
  # shellcheck disable=SC1090
  source "$env_file"
  K() { "$KUBECTL" --kubeconfig "$KUBECONFIG_ADMIN" "$@"; }
  K apply -f "$ROOT/src/main/kubernetes/crd-connectors.yaml" -f "$ROOT/src/main/kubernetes/crd-connectorclasses.yaml" >/dev/null
  K wait --for condition=established crd/connectors.connectors.alauda.io crd/connectorclasses.connectors.alauda.io >/dev/null
  K apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Namespace
metadata: {name: connectors-system}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: connectors-config, namespace: connectors-system}
data: {enable-connector-apis-write-passthrough: "true"}
---
apiVersion: connectors.alauda.io/v1alpha1
kind: ConnectorClass
metadata: {name: static}
spec: {auth: {types: [{name: token, secretType: connectors.cpaas.io/bearer-token}]}}
---
apiVersion: v1
kind: Secret
metadata:
  name: static-token
  namespace: default
  labels: {connectors.cpaas.io/connector-secret: "true"}
type: connectors.cpaas.io/bearer-token
stringData: {token: tool-token}
---
apiVersion: connectors.alauda.io/v1alpha1
kind: Connector
metadata: {name: static, namespace: default}
spec: {connectorClassName: static, address: "$TOOL", auth: {name: token, secretRef: {name: static-token}}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: use-static, namespace: default}
rules: [{apiGroups: [connectors.alauda.io], resources: [connectors], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: alice-static, namespace: default}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: use-static}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: alice}]
EOF
}

stack_gateway() {
  local work="$1" start _
  shift
  STACK_WORK="$work"
  local command
  if [[ -n "${GATEWAY_NATIVE:-}" ]]; then
    # The native executable (native/build.sh) instead of the jar; JAVA_OPT… are its runtime options (-Xmx…).
    command=("$GATEWAY_NATIVE" "$@")
  else
    rm -rf "$work/app"
    # -a keeps the jars' times: a CDS/AOT cache made by an earlier run stays valid for this copy
    cp -a "$ROOT/target/quarkus-app" "$work/app"
    command=(java "$@" -jar "$work/app/quarkus-run.jar")
  fi
  GW_PORT=$(free_port)
  GW_TLS_PORT=$(free_port)
  GW_MANAGEMENT_PORT=$(free_port)
  GW_FORWARD_PROXY_PORT=$(free_port)
  # Prod mode serves HTTPS from certificate files and refuses to start without them: a throw-away
  # self-signed one. The load itself goes to the plain port, enabled beside HTTPS (loopback only).
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$work/tls.key" -out "$work/tls.crt" >/dev/null 2>&1
  start=$(date +%s%N)
  # One Connector carries the whole load here, as one tenant alone at its tool: it may have all of
  # the tool's places (64, the pool's default) and of its waiting line, as nginx's keep-alive 64.
  QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT=$GW_PORT QUARKUS_HTTP_INSECURE_REQUESTS=enabled \
  QUARKUS_HTTP_SSL_PORT=$GW_TLS_PORT QUARKUS_TLS_HTTPS_KEY_STORE_PEM_0_CERT="$work/tls.crt" \
  QUARKUS_TLS_HTTPS_KEY_STORE_PEM_0_KEY="$work/tls.key" \
  QUARKUS_MANAGEMENT_HOST=127.0.0.1 QUARKUS_MANAGEMENT_PORT=$GW_MANAGEMENT_PORT \
  CONNECTORS_FORWARD_PROXY_PORT=$GW_FORWARD_PROXY_PORT \
  CONNECTORS_PROXY_MAX_POOL_SIZE_PER_CONNECTOR="${CONNECTORS_PROXY_MAX_POOL_SIZE_PER_CONNECTOR:-64}" \
  KUBECONFIG="$KUBECONFIG_ADMIN" CONNECTORS_STATUS_WRITER_ENABLED=false \
    "${command[@]}" > "$work/gateway.log" 2>&1 &
  GW_PID=$!
  STACK_PIDS+=("$GW_PID")
  GW_START_NS=$start
  GW="http://127.0.0.1:$GW_PORT/connectors/v1alpha1/default/static/path"
  [[ -z "${STACK_GATEWAY_NO_WAIT:-}" ]] || return 0
  for _ in $(seq 1 300); do
    curl -sf "http://127.0.0.1:$GW_MANAGEMENT_PORT/q/health/ready" >/dev/null 2>&1 && break
    kill -0 "$GW_PID" 2>/dev/null || { log "the gateway exited; see $work/gateway.log"; tail -20 "$work/gateway.log" >&2; exit 1; }
    sleep 0.1
  done
  READY_MS=$(( ($(date +%s%N) - start) / 1000000 ))
  GW="http://127.0.0.1:$GW_PORT/connectors/v1alpha1/default/static/path"
}

gw_upstream_calls() {
  # A place at an upstream that is never given back would wedge that tool for every caller once
  # enough of them pile up: after a load ends, this must come back to 0.
  local n _
  for _ in $(seq 1 50); do
    n=$(curl -s "http://127.0.0.1:$GW_MANAGEMENT_PORT/q/metrics" \
      | awk '/^connectors_upstream_calls\{/ {n += $NF} END {printf "%d\n", n}')
    [[ "$n" == 0 ]] && break
    sleep 0.1
  done
  echo "$n"
}

cpu_ticks() { local p s=0 t; for p in "$@"; do t=$(sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null | awk '{print $12 + $13}'); s=$((s + ${t:-0})); done; echo "$s"; }

stack_ab() {
  local work="$1" big_mib="$2"
  [[ -f "$ROOT/target/quarkus-app/quarkus-run.jar" ]] || { log "building: ./mvnw -B -ntp package -DskipTests"; (cd "$ROOT" && ./mvnw -B -ntp -q package -DskipTests); }
  stack_install_tools
  stack_lock bench-quick
  rm -rf "$work"; mkdir -p "$work"
  trap 'set +e; stack_cleanup' EXIT
  trap 'exit 143' TERM INT
  stack_nginx "$work" "$big_mib"
  stack_cluster "$work"
  (umask 077; printf 'Authorization: Bearer %s\n' "$KUBE_TOKEN_ALICE" > "$work/auth.header")
  # shellcheck disable=SC2086
  stack_gateway "$work" $GATEWAY_JAVA_OPTS
}
