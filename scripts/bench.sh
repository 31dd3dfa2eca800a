#!/usr/bin/env bash
# bench.sh - throughput, latency and memory of the packaged gateway, each compared with a
# baseline measured in the same run (the tool called directly). Loopback only, bounded in time.
#
#   scripts/bench.sh            # needs target/quarkus-app (./mvnw package -DskipTests)
#
# What runs: a local kube-apiserver (scripts/local-cluster.sh), nginx as the tool (static files,
# uploads discarded), the gateway as `java -Xmx64m -jar target/quarkus-app/quarkus-run.jar`,
# wrk and curl as clients. Installs wrk and nginx-light from Debian when missing.
# Environment: DURATION (wrk seconds, default 15), CONNECTIONS (default 32), BIG_MIB (default 1024),
# HOLD (seconds to keep everything running afterwards, for profiling).
set -euo pipefail
{
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
DURATION="${DURATION:-15}"
CONNECTIONS="${CONNECTIONS:-32}"
BIG_MIB="${BIG_MIB:-1024}"
WORK="$ROOT/target/bench"
log() { printf '[bench] %s\n' "$*" >&2; }

[[ -f "$ROOT/target/quarkus-app/quarkus-run.jar" ]] || { log "run ./mvnw package -DskipTests first"; exit 2; }
if ! command -v wrk >/dev/null || ! command -v nginx >/dev/null; then
  log "installing wrk and nginx-light"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx-light >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null 2>&1; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx-light >/dev/null; }
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
mkdir -p "$WORK"
# One run at a time: a second run would wipe the first one's state and kill its servers.
exec 9>"$ROOT/target/bench.lock"
flock -n 9 || { log "another scripts/bench.sh is running"; exit 3; }
rm -rf "$WORK"; mkdir -p "$WORK/www" "$WORK/nginx"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  [[ -f "$WORK/nginx/nginx.pid" ]] && kill "$(cat "$WORK/nginx/nginx.pid")" 2>/dev/null || true
  "$HERE/local-cluster.sh" stop "$WORK/cluster" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# --- the tool: nginx on loopback
head -c 1024 /dev/urandom | base64 -w0 > "$WORK/www/small.json"
head -c $((BIG_MIB * 1024 * 1024)) /dev/urandom > "$WORK/www/big.bin"
TOOL_PORT=$(free_port)
cat > "$WORK/nginx/nginx.conf" <<EOF
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx; proxy_temp_path $WORK/nginx; fastcgi_temp_path $WORK/nginx;
  uwsgi_temp_path $WORK/nginx; scgi_temp_path $WORK/nginx;
  server {
    listen 127.0.0.1:$TOOL_PORT;
    root $WORK/www;
    client_max_body_size 0;
    location /upload { client_body_buffer_size 64k; proxy_request_buffering off; return 200 "ok\n"; }
  }
}
EOF
nginx -c "$WORK/nginx/nginx.conf"

# --- the cluster, one Connector to nginx, alice allowed
ENV_FILE=$("$HERE/local-cluster.sh" start "$WORK/cluster" | tail -1)
# shellcheck disable=SC1090
source "$ENV_FILE"
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
metadata: {name: static-token, namespace: default}
type: connectors.cpaas.io/bearer-token
stringData: {token: tool-token}
---
apiVersion: connectors.alauda.io/v1alpha1
kind: Connector
metadata: {name: static, namespace: default}
spec: {connectorClassName: static, address: "http://127.0.0.1:$TOOL_PORT", auth: {name: token, secretRef: {name: static-token}}}
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

# --- the gateway, packaged, 64 MiB heap
GW_PORT=$(free_port)
GW_MANAGEMENT_PORT=$(free_port)
START=$(date +%s%N)
QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT=$GW_PORT \
QUARKUS_MANAGEMENT_HOST=127.0.0.1 QUARKUS_MANAGEMENT_PORT=$GW_MANAGEMENT_PORT \
KUBECONFIG="$KUBECONFIG_ADMIN" CONNECTORS_STATUS_WRITER_ENABLED=false \
  java -Xmx64m -jar "$ROOT/target/quarkus-app/quarkus-run.jar" > "$WORK/gateway.log" 2>&1 &
GW_PID=$!
PIDS+=("$GW_PID")
for _ in $(seq 1 300); do
  curl -sf "http://127.0.0.1:$GW_MANAGEMENT_PORT/q/health/ready" >/dev/null 2>&1 && break
  sleep 0.1
done
READY_MS=$(( ($(date +%s%N) - START) / 1000000 ))
rss() { awk '/VmRSS/ {print int($2/1024)}' "/proc/$GW_PID/status"; }
IDLE_RSS=$(rss)

GW="http://127.0.0.1:$GW_PORT/connectors/v1alpha1/default/static/path"
TOOL="http://127.0.0.1:$TOOL_PORT"
AUTH="Authorization: Bearer $KUBE_TOKEN_ALICE"
curl -sf -H "$AUTH" "$GW/small.json" >/dev/null   # warm the review caches and the pool

# Samples the gateway's RSS every 0.2 s while a command runs; prints the peak (MiB).
peak_rss_during() {
  local peak=0 pid r
  "$@" & pid=$!
  while kill -0 "$pid" 2>/dev/null; do r=$(rss); (( r > peak )) && peak=$r; sleep 0.2; done
  wait "$pid"; echo "$peak"
}
wrk_line() { # requests/s and latency percentiles from wrk's output
  awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} END {printf "%s req/s, p50 %s, p99 %s", rps, p50, p99}'
}

log "warm-up: 20 s through the gateway (JIT), not measured"
wrk -t2 -c"$CONNECTIONS" -d20s -H "$AUTH" "$GW/small.json" >/dev/null
log "wrk: ${DURATION}s, $CONNECTIONS connections, 1 KiB responses"
DIRECT=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$TOOL/small.json" | wrk_line)
VIA=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "$AUTH" "$GW/small.json" | wrk_line)
WRK_RSS=$(rss)

log "curl: ${BIG_MIB} MiB download and upload"
speed() { awk '{printf "%.1f MB/s", $1/1e6}'; }
DL_DIRECT=$(curl -s -o /dev/null -w '%{speed_download}' "$TOOL/big.bin" | speed)
DL_PEAK=$(peak_rss_during sh -c "curl -s -o /dev/null -w '%{speed_download}' -H '$AUTH' '$GW/big.bin' > '$WORK/dl.speed'")
DL_VIA=$(speed < "$WORK/dl.speed")
UL_DIRECT=$(curl -s -o /dev/null -w '%{speed_upload}' -T "$WORK/www/big.bin" "$TOOL/upload" | speed)
UL_PEAK=$(peak_rss_during sh -c "curl -s -o /dev/null -w '%{speed_upload}' -H '$AUTH' -T '$WORK/www/big.bin' '$GW/upload' > '$WORK/ul.speed'")
UL_VIA=$(speed < "$WORK/ul.speed")

cat <<EOF

connectors-api benchmark ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(java -version 2>&1 | head -1))
command: DURATION=$DURATION CONNECTIONS=$CONNECTIONS BIG_MIB=$BIG_MIB scripts/bench.sh
gateway: java -Xmx64m -jar target/quarkus-app/quarkus-run.jar; ready in ${READY_MS} ms; RSS idle ${IDLE_RSS} MiB
| measure | tool directly (baseline) | through the gateway |
|---|---|---|
| 1 KiB GET, wrk -t2 -c$CONNECTIONS -d${DURATION}s | $DIRECT | $VIA (RSS after: ${WRK_RSS} MiB) |
| ${BIG_MIB} MiB download (curl) | $DL_DIRECT | $DL_VIA (peak RSS ${DL_PEAK} MiB) |
| ${BIG_MIB} MiB upload (curl -T) | $UL_DIRECT | $UL_VIA (peak RSS ${UL_PEAK} MiB) |
EOF
if [[ -n "${HOLD:-}" ]]; then  # keep everything up for HOLD seconds, for profiling by hand
  printf 'GW=%s\nTOOL=%s\nAUTH=%q\nGW_PID=%s\n' "$GW" "$TOOL" "$AUTH" "$GW_PID" > "$WORK/hold.env"
  log "holding for $HOLD s; see $WORK/hold.env"; sleep "$HOLD"
fi
}
