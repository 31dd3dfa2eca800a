#!/usr/bin/env bash
# bench/run.sh - the benchmark suite (issue 10): the gateway against nginx, haproxy and a Go httputil proxy doing
# the same job, in one run, against the same upstream, everything on 127.0.0.1, bounded and self-stopping.
#
#   bench/run.sh            full run (≤ 15 min on 2 cores); writes docs/BENCHMARKS.md's results
#                           section and docs/bench/suite.png
#   bench/run.sh --smoke    short run (< 2 min), same steps, fewer objects; writes only target/bench-suite/
#   options: --build (./mvnw package first), --no-docs (full run, results in target/bench-suite/ only)
#
# Installs what it needs: wrk, nginx-light, haproxy, gnuplot-nox, time, golang-go (Debian, apt-get); JMH
# (Maven Central, a test dependency); builds target/quarkus-app when missing. The stack is
# scripts/lib/loopback-stack.sh (a local kube-apiserver + etcd, nginx as the upstream, the packaged
# gateway). What it measures and how: docs/BENCHMARKS.md ("The suite").
# Environment: GATEWAY_JAVA_OPTS (default -Xmx256m), RATE (open-loop rate, default 2000),
# CONNECTIONS (wrk connections, default 64).
set -euo pipefail
{
BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
HERE="$ROOT/scripts"   # the loopback stack finds local-cluster.sh there
WORK="$ROOT/target/bench-suite"
log() { printf '[bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

MODE=full; DOCS=1; BUILD=0
for arg in "$@"; do
  case "$arg" in
    --smoke) MODE=smoke ;;
    --no-docs) DOCS=0 ;;
    --build) BUILD=1 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) die "unknown argument $arg (see --help)" ;;
  esac
done
[[ "$MODE" == smoke ]] && DOCS=0

RATE="${RATE:-2000}"
CONNECTIONS="${CONNECTIONS:-64}"
GATEWAY_JAVA_OPTS="${GATEWAY_JAVA_OPTS:--Xmx256m}"
JDK17="${JDK17:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
JDK25="${JDK25:-$(ls -d /usr/lib/jvm/temurin-25* 2>/dev/null | head -1)}"
if [[ "$MODE" == full ]]; then
  WRK_SECONDS=10 GW_WARMUP=60 LAT_SECONDS=20 LAT_WARMUP=3 BIG_MIB=1024
  TOKENS=1000 TOKEN_CONNECTORS=100 PER_TOKEN=5 REPEAT=2
  SCALE_CONNECTORS=10000 SCALE_CLASSES=500 SCALE_PATHS=50
  JMH_ARGS=(-wi 3 -w 2s -i 5 -r 2s -f 1) START_SAMPLES=1 AOT_SAMPLES=3 TIME_LIMIT=40
else
  WRK_SECONDS=2 GW_WARMUP=4 LAT_SECONDS=2 LAT_WARMUP=2 BIG_MIB=32
  TOKENS=50 TOKEN_CONNECTORS=10 PER_TOKEN=2 REPEAT=2
  SCALE_CONNECTORS=500 SCALE_CLASSES=20 SCALE_PATHS=50
  JMH_ARGS=(-wi 1 -w 1s -i 1 -r 2s -f 1) START_SAMPLES=1 AOT_SAMPLES=0 TIME_LIMIT=10
fi
SUITE_START=$(date +%s)
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
[[ -n "$(git -C "$ROOT" status --porcelain -- src pom.xml 2>/dev/null)" ]] && COMMIT="$COMMIT+changes"

# ---------------------------------------------------------------- tools and build
install_tools() {
  local missing=()
  command -v wrk >/dev/null || missing+=(wrk)
  command -v nginx >/dev/null || missing+=(nginx-light)
  command -v haproxy >/dev/null || missing+=(haproxy)
  command -v gnuplot >/dev/null || missing+=(gnuplot-nox)
  [[ -x /usr/bin/time ]] || missing+=(time)
  command -v python3 >/dev/null || missing+=(python3)
  command -v openssl >/dev/null || missing+=(openssl)
  command -v go >/dev/null || missing+=(golang-go)
  (( ${#missing[@]} )) || return 0
  log "installing ${missing[*]} (Debian)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null; apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }
}
install_tools
cd "$ROOT"
if (( BUILD )) || [[ ! -f target/quarkus-app/quarkus-run.jar ]]; then
  log "building the gateway: ./mvnw -B -ntp package -DskipTests"
  ./mvnw -B -ntp -q package -DskipTests
fi
if (( BUILD )) || [[ ! -f target/test-classes/META-INF/BenchmarkList || ! -f target/test-classpath.txt ]]; then
  log "compiling the JMH benchmark: ./mvnw test-compile dependency:build-classpath"
  ./mvnw -B -ntp -q test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
fi

# shellcheck source=../scripts/lib/loopback-stack.sh
source "$ROOT/scripts/lib/loopback-stack.sh"
stack_lock bench-suite
ulimit -n "$(ulimit -Hn)"
rm -rf "$WORK"; mkdir -p "$WORK"
suite_cleanup() {
  set +e
  [[ -n "${WATCHDOG:-}" ]] && { pkill -P "$WATCHDOG" 2>/dev/null; kill "$WATCHDOG" 2>/dev/null; }
  [[ -n "${PEAK_PID:-}" ]] && kill "$PEAK_PID" 2>/dev/null
  [[ -f "$WORK/nginx-proxy/nginx.pid" ]] && kill "$(cat "$WORK/nginx-proxy/nginx.pid")" 2>/dev/null
  stack_cleanup
}
trap suite_cleanup EXIT
trap 'exit 143' TERM INT
# Self-stopping: every step is bounded on its own; this bounds the whole run on a machine busier than expected.
( sleep $((TIME_LIMIT * 60)); log "time limit of $TIME_LIMIT min reached: stopping"; kill -TERM $$ ) 9>&- >/dev/null 2>&1 &
WATCHDOG=$!
RESULTS="$WORK/results.md"
declare -A R   # R[setup|measure] = value
LEAKS=()       # "step: requests the gateway still counted as under way at the tool after it"

# The load generator for fixed rates (Debian has no wrk2): bench/OpenLoop.java on the gateway's own Vert.x.
mkdir -p "$WORK/classes"
javac -nowarn -d "$WORK/classes" -cp "$ROOT/target/quarkus-app/lib/main/*" "$BENCH/OpenLoop.java"
OPENLOOP=(java -Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$WORK/classes:$ROOT/target/quarkus-app/lib/main/*" OpenLoop)

# ---------------------------------------------------------------- JMH: route match, before anything else runs
log "JMH: RouteTable.match with 500 classes × 50 paths (${JMH_ARGS[*]})"
java -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" org.openjdk.jmh.Main RouteMatchBenchmark \
  -p classes=500 -p paths=50 "${JMH_ARGS[@]}" -rf json -rff "$WORK/jmh.json" > "$WORK/jmh.txt" 2>&1 \
  || { tail -20 "$WORK/jmh.txt" >&2; die "JMH failed"; }
read -r JMH_P50 JMH_P99 JMH_P999 JMH_MEAN < <(python3 -c '
import json, sys
m = json.load(open(sys.argv[1]))[0]["primaryMetric"]
p = m["scorePercentiles"]
print(p["50.0"], p["99.0"], p["99.9"], m["score"])' "$WORK/jmh.json")

# ---------------------------------------------------------------- the upstream, the cluster, the peers
# The upstream echoes what it received on /auth, to check that every peer injects the same header.
STACK_NGINX_EXTRA='location = /auth { default_type text/plain; return 200 "authorization=$http_authorization plugin-auth=$http_x_plugin_auth\n"; }'
stack_nginx "$WORK" "$BIG_MIB"
head -c $((64 * 1024)) /dev/urandom > "$WORK/www/mid.bin"
TOOL_PID=$(cat "$WORK/nginx/nginx.pid")
log "upstream nginx on $TOOL"
stack_cluster "$WORK"
BASIC="Basic $(printf 'bench:bench-password' | base64 -w0)"
API_PATHS=""
for p in /small.json /mid.bin /big.bin /auth; do API_PATHS+="        $p: {get: {x-provider-type: api}}"$'\n'; done
K apply -f - >/dev/null <<EOF
apiVersion: connectors.alauda.io/v1alpha1
kind: ConnectorClass
metadata: {name: bench-proxy}
spec: {auth: {types: [{name: basicAuth, secretType: kubernetes.io/basic-auth}]}}
---
apiVersion: connectors.alauda.io/v1alpha1
kind: ConnectorClass
metadata: {name: bench-api}
spec:
  auth: {types: [{name: basicAuth, secretType: kubernetes.io/basic-auth}]}
  api:
    uri: "$TOOL"
    openapi:
      openapi: 3.0.1
      info: {title: bench, version: "1"}
      paths:
$API_PATHS        /upload: {put: {x-provider-type: api}, post: {x-provider-type: api}}
---
apiVersion: v1
kind: Secret
metadata:
  name: bench-basic
  namespace: default
  labels: {connectors.cpaas.io/connector-secret: "true"}
type: kubernetes.io/basic-auth
stringData: {username: bench, password: bench-password}
---
apiVersion: connectors.alauda.io/v1alpha1
kind: Connector
metadata: {name: bench, namespace: default}
spec: {connectorClassName: bench-proxy, address: "$TOOL", auth: {name: basicAuth, secretRef: {name: bench-basic}}}
---
apiVersion: connectors.alauda.io/v1alpha1
kind: Connector
metadata: {name: bench-api, namespace: default}
spec: {connectorClassName: bench-api, address: "$TOOL", auth: {name: basicAuth, secretRef: {name: bench-basic}}}
EOF

# nginx doing the gateway's job in C: proxy_pass with the injected header, 1 worker, upstream keep-alive.
NGX_PORT=$(free_port)
mkdir -p "$WORK/nginx-proxy"
cat > "$WORK/nginx-proxy/nginx.conf" <<EOF
worker_processes 1;
worker_rlimit_nofile 8192;
pid $WORK/nginx-proxy/nginx.pid;
error_log $WORK/nginx-proxy/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx-proxy; proxy_temp_path $WORK/nginx-proxy; fastcgi_temp_path $WORK/nginx-proxy;
  uwsgi_temp_path $WORK/nginx-proxy; scgi_temp_path $WORK/nginx-proxy;
  keepalive_requests 1000000;
  upstream tool { server 127.0.0.1:$TOOL_PORT; keepalive 64; keepalive_requests 1000000; }
  server {
    listen 127.0.0.1:$NGX_PORT;
    client_max_body_size 0;
    location / {
      proxy_pass http://tool;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Authorization "$BASIC";
      proxy_request_buffering off;
      proxy_max_temp_file_size 0;
    }
  }
}
EOF
nginx -c "$WORK/nginx-proxy/nginx.conf" 9>&-   # the daemons must not hold the run's lock
NGX_PID=$(cat "$WORK/nginx-proxy/nginx.pid")
# haproxy doing the same: one thread, connections to the upstream reused.
HAP_PORT=$(free_port)
cat > "$WORK/haproxy.cfg" <<EOF
global
  nbthread 1
  maxconn 8192
defaults
  mode http
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  http-reuse always
frontend bench
  bind 127.0.0.1:$HAP_PORT
  http-request set-header Authorization "$BASIC"
  default_backend tool
backend tool
  server tool 127.0.0.1:$TOOL_PORT
EOF
haproxy -db -f "$WORK/haproxy.cfg" > "$WORK/haproxy.log" 2>&1 9>&- &
HAP_PID=$!
STACK_PIDS+=("$HAP_PID")
# The upstream Connectors proxy's own stack: Go's httputil.ReverseProxy with a cached token decision
# (TokenReview + SAR get on the Connector, as the gateway asks them), the same header injected (bench/goproxy).
(cd "$BENCH/goproxy" && GOPROXY=off GOFLAGS=-mod=mod go build -o "$WORK/goproxy" .)
(umask 077; printf '%s' "$KUBE_TOKEN_ADMIN" > "$WORK/admin.token")
GO_PORT=$(free_port)
"$WORK/goproxy" -listen "127.0.0.1:$GO_PORT" -api "$KUBE_API_URL" -ca "$KUBE_CA_FILE" \
  -upstream "$TOOL" -inject "$BASIC" -token-file "$WORK/admin.token" -namespace default -connector bench \
  > "$WORK/goproxy.log" 2>&1 9>&- &
GO_PID=$!
STACK_PIDS+=("$GO_PID")
for _ in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$GO_PORT/" && break; sleep 0.1; done

stop_gateway() { # SIGTERM, so that a CDS archive or AOT cache being trained is written at exit
  local p kept=()
  kill "$GW_PID" 2>/dev/null || true
  wait "$GW_PID" 2>/dev/null || true
  for p in "${STACK_PIDS[@]}"; do [[ "$p" == "$GW_PID" ]] || kept+=("$p"); done
  STACK_PIDS=("${kept[@]}")
}
# The token goes in files only readable here, never on a command line.
(umask 077
 printf 'Authorization: Bearer %s\n' "$KUBE_TOKEN_ALICE" > "$WORK/auth.header"
 printf 'wrk.headers["Authorization"] = "Bearer %s"\n' "$KUBE_TOKEN_ALICE" > "$WORK/auth.lua")

log "gateway: java $GATEWAY_JAVA_OPTS -jar quarkus-run.jar (JDK $("$JDK17/bin/java" -version 2>&1 | head -1))"
# shellcheck disable=SC2086
PATH="$JDK17/bin:$PATH" stack_gateway "$WORK" $GATEWAY_JAVA_OPTS
GW_BASE="http://127.0.0.1:$GW_PORT/connectors/v1alpha1/default"
cp "$WORK/gateway.log" "$WORK/gateway-main.log" 2>/dev/null || true

declare -A URL=([direct]="$TOOL" [nginx]="http://127.0.0.1:$NGX_PORT" [haproxy]="http://127.0.0.1:$HAP_PORT"
  [go]="http://127.0.0.1:$GO_PORT"
  [gw-proxy]="$GW_BASE/bench/path" [gw-api]="$GW_BASE/bench-api/path")
SETUPS=(direct nginx haproxy go gw-proxy gw-api)
declare -A LABEL=([direct]="direct (nginx upstream)" [nginx]="nginx proxy_pass" [haproxy]="haproxy" [go]="Go httputil (the upstream's stack)"
  [gw-proxy]="gateway, proxy mode" [gw-api]="gateway, custom-API mode")

# ---------------------------------------------------------------- process figures
pids_of() { # the processes doing the work of a setup (for direct: the upstream itself)
  case "$1" in
    direct) echo "$TOOL_PID" $(pgrep -P "$TOOL_PID" || true) ;;
    nginx) echo "$NGX_PID" $(pgrep -P "$NGX_PID" || true) ;;
    haproxy) echo "$HAP_PID" ;;
    go) echo "$GO_PID" ;;
    gw-*) echo "$GW_PID" ;;
  esac
}
rss_kib() { local p s=0 r; for p in "$@"; do r=$(awk '/^VmRSS/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0); s=$((s + ${r:-0})); done; echo "$s"; }
CLK_TCK=$(getconf CLK_TCK)
PEAK_PID=""
peak_start() { # samples the summed RSS of the given pids every 0.1 s into WORK/peak until peak_stop
  echo 0 > "$WORK/peak"
  ( peak=0; while :; do r=$(rss_kib "$@"); (( r > peak )) && { peak=$r; echo "$peak" > "$WORK/peak.tmp"; mv -f "$WORK/peak.tmp" "$WORK/peak"; }; sleep 0.1; done ) 9>&- &
  PEAK_PID=$!
}
peak_stop() { local p; kill "$PEAK_PID" 2>/dev/null || true; wait "$PEAK_PID" 2>/dev/null || true; p=$(cat "$WORK/peak" 2>/dev/null || true); echo $(( ${p:-0} / 1024 )); }
mib() { echo $(( $1 / 1024 )); }

takes_token() { [[ "$1" == gw-* || "$1" == go ]]; }   # callers present a Kubernetes token
auth_args() { takes_token "$1" && echo "-H @$WORK/auth.header" || true; }
wrk_run() { # wrk_run SETUP SECONDS PATH OUT
  local lua=()
  takes_token "$1" && lua=(-s "$WORK/auth.lua")
  wrk -t2 -c"$CONNECTIONS" -d"$2s" --timeout 10s --latency "${lua[@]}" "${URL[$1]}$3" > "$4" 2>&1 || true
}
wrk_field() {
  case "$2" in
    requests) awk '/requests in/ {print $1; f=1} END {if (!f) print 0}' "$1" ;;
    rps) awk '/Requests\/sec/ {printf "%.0f\n", $2; f=1} END {if (!f) print 0}' "$1" ;;
    errors) awk '/Non-2xx or 3xx/ {n += $NF} /Socket errors/ {gsub(/,/, ""); n += $4 + $6 + $8 + $10} END {print n + 0}' "$1" ;;
  esac
}

# ---------------------------------------------------------------- same job? (status, body, injected header)
SMALL_SHA=$(sha256sum < "$WORK/www/small.json" | cut -d' ' -f1)
for s in "${SETUPS[@]}"; do
  # shellcheck disable=SC2046
  got=$(curl -sS --max-time 10 $(auth_args "$s") "${URL[$s]}/small.json" | sha256sum | cut -d' ' -f1)
  [[ "$got" == "$SMALL_SHA" ]] || die "$s: /small.json does not come back as it is (see $WORK)"
  # shellcheck disable=SC2046
  R[$s|auth]=$(curl -sS --max-time 10 $(auth_args "$s") "${URL[$s]}/auth")
done
[[ "${R[nginx|auth]}" == "authorization=$BASIC "* && "${R[haproxy|auth]}" == "authorization=$BASIC "* \
   && "${R[go|auth]}" == "authorization=$BASIC "* && "${R[gw-proxy|auth]}" == "authorization=$BASIC "* && "${R[gw-api|auth]}" == *"plugin-auth="?* ]] \
  || die "a peer does not inject the header: ${R[nginx|auth]} / ${R[haproxy|auth]} / ${R[gw-proxy|auth]} / ${R[gw-api|auth]}"
log "all six setups answer the same body; nginx, haproxy, the Go proxy and the gateway inject the same Authorization"

heap_after_gc() { # MiB of heap in use after a full GC (jcmd of the gateway's JDK)
  local jcmd="$1/bin/jcmd"
  "$jcmd" "$GW_PID" GC.run >/dev/null 2>&1 || true
  "$jcmd" "$GW_PID" GC.heap_info 2>/dev/null | grep -Eo 'used [0-9]+K' | head -1 | awk '{print int($2 / 1024)}'
}
GW_IDLE_HEAP=$(heap_after_gc "$JDK17")
GW_READY_MS=$READY_MS

# ---------------------------------------------------------------- the six setups
for s in "${SETUPS[@]}"; do
  read -r -a PIDS <<< "$(pids_of "$s")"
  R[$s|rss_idle]=$(mib "$(rss_kib "${PIDS[@]}")")
done
for s in "${SETUPS[@]}"; do
  read -r -a PIDS <<< "$(pids_of "$s")"
  if [[ "$s" == gw-* ]]; then
    log "$s: JIT warm-up, ${GW_WARMUP} s of wrk (not measured)"
    wrk_run "$s" "$GW_WARMUP" /small.json "$WORK/$s-warmup.txt"
  else
    wrk_run "$s" 1 /small.json "$WORK/$s-warmup.txt"
  fi
  for size in small.json mid.bin; do
    log "$s: wrk -t2 -c$CONNECTIONS -d${WRK_SECONDS}s /$size"
    cpu0=$(cpu_ticks "${PIDS[@]}")
    peak_start "${PIDS[@]}"
    wrk_run "$s" "$WRK_SECONDS" "/$size" "$WORK/$s-$size.txt"
    peak=$(peak_stop)
    cpu1=$(cpu_ticks "${PIDS[@]}")
    n=$(wrk_field "$WORK/$s-$size.txt" requests)
    R[$s|rps_$size]=$(wrk_field "$WORK/$s-$size.txt" rps)
    R[$s|err_$size]=$(wrk_field "$WORK/$s-$size.txt" errors)
    R[$s|cpu_$size]=$(awk -v c=$((cpu1 - cpu0)) -v t="$CLK_TCK" -v n="$n" 'BEGIN {printf "%.2f", n ? c / t / n * 10000 : 0}')
    [[ "$size" == small.json ]] && R[$s|rss_load]=$peak
  done
  log "$s: open loop, $RATE req/s for ${LAT_SECONDS} s (+${LAT_WARMUP} s not measured), 32 connections"
  hdr=()
  takes_token "$s" && hdr=("$WORK/auth.header")
  "${OPENLOOP[@]}" rate "${URL[$s]}/small.json" "$RATE" "$LAT_SECONDS" "$LAT_WARMUP" 32 "${hdr[@]}" > "$WORK/$s-openloop.txt" 2>&1 || true
  for f in p50_us p99_us p999_us requests errors non2xx unanswered rate; do
    R[$s|$f]=$(grep -Eo "$f=[0-9.]+" "$WORK/$s-openloop.txt" | cut -d= -f2 || true)
  done
  log "$s: ${BIG_MIB} MiB down and up (curl)"
  before=$(mib "$(rss_kib "${PIDS[@]}")")
  peak_start "${PIDS[@]}"
  # shellcheck disable=SC2046
  R[$s|down]=$(curl -sS --max-time 300 -o /dev/null -w '%{speed_download}' $(auth_args "$s") "${URL[$s]}/big.bin" | awk '{printf "%.0f", $1 / 1e6}')
  R[$s|down_peak]=$(peak_stop); R[$s|down_growth]=$(( ${R[$s|down_peak]} - before ))
  before=$(mib "$(rss_kib "${PIDS[@]}")")
  peak_start "${PIDS[@]}"
  # shellcheck disable=SC2046
  R[$s|up]=$(curl -sS --max-time 300 -o /dev/null -w '%{speed_upload}' $(auth_args "$s") -T "$WORK/www/big.bin" "${URL[$s]}/upload" | awk '{printf "%.0f", $1 / 1e6}')
  R[$s|up_peak]=$(peak_stop); R[$s|up_growth]=$(( ${R[$s|up_peak]} - before ))
  # wrk left with requests in flight at the end of each of its runs: every place at the tool must be back
  if [[ "$s" == gw-* ]]; then LEAKS+=("$s: $(gw_upstream_calls)"); fi
done
GW_LOADED_HEAP=$(heap_after_gc "$JDK17")

# bench/kube.py: bulk objects and API-server metrics over the API (the admin token in its environment only)
kube_py() { KUBE_API_URL="$KUBE_API_URL" KUBE_CA_FILE="$KUBE_CA_FILE" KUBE_TOKEN_ADMIN="$KUBE_TOKEN_ADMIN" python3 "$BENCH/kube.py" "$@"; }

# ---------------------------------------------------------------- tokens: reviews the API server received
log "tokens: $TOKENS ServiceAccount tokens over $TOKEN_CONNECTORS Connectors, $PER_TOKEN Connectors each, each pair $REPEAT times"
PAIRS=$(kube_py tokens bench-tokens "$TOKENS" "$TOKEN_CONNECTORS" "$PER_TOKEN" "$REPEAT" "$TOOL" "$WORK/tokens.list")
# the gateway's informers see the new Connectors and Secret: one request of the list answers 200
(umask 077; head -1 "$WORK/tokens.list" | awk '{print "Authorization: Bearer " $1}' > "$WORK/token0.header")
PROBE_PATH=$(head -1 "$WORK/tokens.list" | cut -d' ' -f2)
for _ in $(seq 1 100); do
  [[ "$(curl -s -o /dev/null -w '%{http_code}' -H "@$WORK/token0.header" "http://127.0.0.1:$GW_PORT$PROBE_PATH")" == 200 ]] && break
  sleep 0.1
done
TOKEN_PASS_START=$(date +%s)
for pass in 1 2; do
  read -r tr0 sar0 < <(kube_py metric tokenreviews subjectaccessreviews)
  "${OPENLOOP[@]}" list "http://127.0.0.1:$GW_PORT" "$WORK/tokens.list" 32 > "$WORK/tokens-pass$pass.txt" 2>&1 || true
  read -r tr1 sar1 < <(kube_py metric tokenreviews subjectaccessreviews)
  R[tokens|tr$pass]=$((tr1 - tr0)); R[tokens|sar$pass]=$((sar1 - sar0))
  R[tokens|out$pass]=$(cat "$WORK/tokens-pass$pass.txt")
done
TOKEN_PASS_SECONDS=$(( $(date +%s) - TOKEN_PASS_START ))
# the probe above did one TokenReview and one SAR for the first token before the passes: count it in pass 1
R[tokens|tr1]=$(( ${R[tokens|tr1]} + 1 )); R[tokens|sar1]=$(( ${R[tokens|sar1]} + 1 ))
LEAKS+=("tokens: $(gw_upstream_calls)")
stop_gateway

# ---------------------------------------------------------------- start to first proxied 200
first_200() { # first_200 LABEL JDK JAVA_OPTS… : FIRST_MS = ms from launch to the first 200 through the gateway
  local label="$1" jdk="$2" code t
  shift 2
  # shellcheck disable=SC2086
  PATH="$jdk/bin:$PATH" STACK_GATEWAY_NO_WAIT=1 stack_gateway "$WORK" $GATEWAY_JAVA_OPTS "$@"
  t=""
  for _ in $(seq 1 3000); do
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "@$WORK/auth.header" --max-time 5 \
      "http://127.0.0.1:$GW_PORT/connectors/v1alpha1/default/bench/path/small.json" 2>/dev/null || true)
    if [[ "$code" == 200 ]]; then t=$(( ($(date +%s%N) - GW_START_NS) / 1000000 )); break; fi
    kill -0 "$GW_PID" 2>/dev/null || break
    sleep 0.02
  done
  cp "$WORK/gateway.log" "$WORK/gateway-start-${label}.log" 2>/dev/null || true
  FIRST_MS="${t:-failed}"
}
train() { # train JDK JAVA_OPTS… : a run with some traffic through both modes, stopped normally
  local jdk="$1"
  shift
  # shellcheck disable=SC2086
  PATH="$jdk/bin:$PATH" stack_gateway "$WORK" $GATEWAY_JAVA_OPTS "$@"
  wrk -t1 -c8 -d3s -s "$WORK/auth.lua" "http://127.0.0.1:$GW_PORT/connectors/v1alpha1/default/bench/path/small.json" >/dev/null 2>&1 || true
  wrk -t1 -c8 -d2s -s "$WORK/auth.lua" "http://127.0.0.1:$GW_PORT/connectors/v1alpha1/default/bench-api/path/small.json" >/dev/null 2>&1 || true
  stop_gateway
  cp "$WORK/gateway.log" "$WORK/gateway-train-$(basename "$jdk").log" 2>/dev/null || true
}
median() { tr ' ' '\n' | grep -E '^[0-9]+$' | sort -n | awk '{a[NR] = $1} END {if (NR) print a[int((NR + 1) / 2)]; else print "failed"}'; }
start_row() { # start_row KEY SAMPLES LABEL JDK OPTS… : SAMPLES starts, the median
  local key="$1" samples="$2" label="$3" jdk="$4" all="" i
  shift 4
  for ((i = 1; i <= samples; i++)); do
    first_200 "$key-$i" "$jdk" "$@"
    all+="$FIRST_MS "
    stop_gateway
  done
  R[start|$key]=$(median <<< "$all"); R[start|$key-all]="$all"; R[start|$key-label]="$label"
}
START_KEYS=()
log "start to first proxied 200: JDK 17"
start_row jdk17 "$START_SAMPLES" "JDK 17 ($("$JDK17/bin/java" -version 2>&1 | head -1 | grep -Eo '"[^"]+"' | tr -d '"'))" "$JDK17"; START_KEYS+=(jdk17)
if [[ "$MODE" == full ]]; then
  log "start to first proxied 200: JDK 17 with an AppCDS archive (-XX:ArchiveClassesAtExit, then -XX:SharedArchiveFile)"
  train "$JDK17" -XX:ArchiveClassesAtExit="$WORK/app.jsa"
  start_row jdk17-cds "$START_SAMPLES" "JDK 17 + AppCDS archive" "$JDK17" -XX:SharedArchiveFile="$WORK/app.jsa"; START_KEYS+=(jdk17-cds)
fi
if (( AOT_SAMPLES == 0 )); then
  log "--smoke: no AOT-cache training run (the full run has it)"
elif [[ -n "$JDK25" && -x "$JDK25/bin/java" ]]; then
  J25=$("$JDK25/bin/java" -version 2>&1 | head -1 | grep -Eo '"[^"]+"' | tr -d '"')
  if [[ "$MODE" == full ]]; then
    log "start to first proxied 200: Temurin $J25"
    start_row jdk25 "$START_SAMPLES" "Temurin $J25" "$JDK25"; START_KEYS+=(jdk25)
  fi
  log "start to first proxied 200: Temurin $J25 with an AOT cache (training: -XX:AOTCacheOutput, then -XX:AOTCache)"
  train "$JDK25" -XX:AOTCacheOutput="$WORK/app.aot"
  if [[ -s "$WORK/app.aot" ]]; then
    R[start|aot-size]=$(( $(stat -c %s "$WORK/app.aot") / 1024 / 1024 ))
    start_row jdk25-aot "$AOT_SAMPLES" "Temurin $J25 + AOT cache (${R[start|aot-size]} MiB)" "$JDK25" -XX:AOTCache="$WORK/app.aot"
    START_KEYS+=(jdk25-aot)
  else
    log "no AOT cache was written (see $WORK/gateway-train-*.log)"
  fi
else
  log "no Temurin 25 under /usr/lib/jvm: the AOT-cache start is skipped"
fi

# ---------------------------------------------------------------- many objects: informer sync and heap
log "scale: $SCALE_CLASSES classes × $SCALE_PATHS paths, $SCALE_CONNECTORS Connectors (created over the API)"
t0=$(date +%s%N)
kube_py scale bench-scale "$SCALE_CONNECTORS" "$SCALE_CLASSES" "$SCALE_PATHS" "$TOOL"
SCALE_CREATE_S=$(awk -v n=$(( $(date +%s%N) - t0 )) 'BEGIN {printf "%.1f", n / 1e9}')
# The heap is not capped at the target here, so that the figure is what the gateway needs.
PATH="$JDK17/bin:$PATH" stack_gateway "$WORK" -Xmx1g
SCALE_READY_MS=$READY_MS
SCALE_CHECK=$(curl -s -o /dev/null -w '%{http_code}' -H "@$WORK/auth.header" \
  "http://127.0.0.1:$GW_PORT/connectors/v1alpha1/bench-scale/c-$((SCALE_CONNECTORS - 1))/path/small.json")
SCALE_HEAP=$(heap_after_gc "$JDK17")
SCALE_RSS=$(mib "$(rss_kib "$GW_PID")")
stop_gateway

# ---------------------------------------------------------------- results
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b + 0 > 0 && a != "") printf "%.2f×", a / b; else print "n/a"}'; }
ms() { awk -v u="$1" 'BEGIN {if (u == "") print "n/a"; else printf "%.2f", u / 1000}'; }
verdict() { awk -v ok="$1" 'BEGIN {print (ok == 1) ? "met" : (ok == 0 ? "**missed**" : "n/a")}'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN {if (a == "" || b == "" || a == "failed" || b == "failed") print "x"; else print (a + 0 >= b + 0) ? 1 : 0}'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN {if (a == "" || b == "" || a == "failed" || b == "failed") print "x"; else print (a + 0 <= b + 0) ? 1 : 0}'; }
added() { awk -v a="$1" -v b="$2" 'BEGIN {if (a == "" || b == "") print ""; else printf "%.0f", a - b}'; }

DATE=$(date -u +%Y-%m-%d)
JAVA17=$("$JDK17/bin/java" -version 2>&1 | head -1)
ELAPSED=$(( $(date +%s) - SUITE_START ))
{
  echo "### $DATE, commit $COMMIT, bench/run.sh$([[ $MODE == smoke ]] && echo ' --smoke'), $(nproc) cores"
  echo
  echo "Command: \`./mvnw -B -ntp package -DskipTests && bench/run.sh$([[ $MODE == smoke ]] && echo ' --smoke')\`" \
    "(GATEWAY_JAVA_OPTS=\"$GATEWAY_JAVA_OPTS\" RATE=$RATE CONNECTIONS=$CONNECTIONS; wrk ${WRK_SECONDS} s per size," \
    "gateway warm-up ${GW_WARMUP} s, open loop ${LAT_SECONDS} s + ${LAT_WARMUP} s, ${BIG_MIB} MiB streams)." \
    "Gateway: $JAVA17, ready in ${GW_READY_MS} ms. Load average at the start: $LOAD_START, at the end: $(cut -d' ' -f1-3 /proc/loadavg)." \
    "The suite took $((ELAPSED / 60)) min $((ELAPSED % 60)) s."
  echo
  echo "| setup | 1 KiB req/s (×nginx, ×direct) | 64 KiB req/s (×nginx) | CPU s / 10k req, 1 KiB / 64 KiB | latency at $RATE req/s, p50 / p99 / p99.9 ms (open loop) | RSS idle → under load, MiB | ${BIG_MIB} MiB down MB/s (×nginx), peak RSS | ${BIG_MIB} MiB up MB/s (×nginx), peak RSS |"
  echo "|---|---|---|---|---|---|---|---|"
  for s in "${SETUPS[@]}"; do
    errs=$(( ${R[$s|err_small.json]:-0} + ${R[$s|err_mid.bin]:-0} ))
    ol_bad=$(( ${R[$s|errors]:-0} + ${R[$s|non2xx]:-0} + ${R[$s|unanswered]:-0} ))
    note=""
    (( errs > 0 )) && note+=" ($errs wrk errors)"
    (( ol_bad > 0 )) && note+=" ($ol_bad open-loop failures)"
    printf '| %s%s | %s (%s, %s) | %s (%s) | %s / %s | %s / %s / %s (achieved %s req/s) | %s → %s | %s (%s), %s MiB | %s (%s), %s MiB |\n' \
      "${LABEL[$s]}" "$note" \
      "${R[$s|rps_small.json]}" "$(ratio "${R[$s|rps_small.json]}" "${R[nginx|rps_small.json]}")" "$(ratio "${R[$s|rps_small.json]}" "${R[direct|rps_small.json]}")" \
      "${R[$s|rps_mid.bin]}" "$(ratio "${R[$s|rps_mid.bin]}" "${R[nginx|rps_mid.bin]}")" \
      "${R[$s|cpu_small.json]}" "${R[$s|cpu_mid.bin]}" \
      "$(ms "${R[$s|p50_us]}")" "$(ms "${R[$s|p99_us]}")" "$(ms "${R[$s|p999_us]}")" "${R[$s|rate]:-?}" \
      "${R[$s|rss_idle]}" "${R[$s|rss_load]}" \
      "${R[$s|down]}" "$(ratio "${R[$s|down]}" "${R[nginx|down]}")" "${R[$s|down_peak]}" \
      "${R[$s|up]}" "$(ratio "${R[$s|up]}" "${R[nginx|up]}")" "${R[$s|up_peak]}"
  done
  echo
  echo "For \`direct\` the CPU and RSS are the upstream nginx's own; for the others, the proxy's alone (nginx: master + worker)."
  echo
  echo "| other measure | figure |"
  echo "|---|---|"
  echo "| route match, JMH \`RouteMatchBenchmark\` (500 classes × 50 paths, \`RouteTable.match\`, SampleTime) | p50 $(awk -v v="$JMH_P50" 'BEGIN {printf "%.0f", v}') ns, p99 $(awk -v v="$JMH_P99" 'BEGIN {printf "%.0f", v}') ns, p99.9 $(awk -v v="$JMH_P999" 'BEGIN {printf "%.0f", v}') ns, mean $(awk -v v="$JMH_MEAN" 'BEGIN {printf "%.0f", v}') ns |"
  echo "| $SCALE_CONNECTORS Connectors + $SCALE_CLASSES classes × $SCALE_PATHS paths: gateway start → ready (informers synced) | ${SCALE_READY_MS} ms (${GW_READY_MS} ms with the few objects of the runs above); objects created in ${SCALE_CREATE_S} s; a request to the last Connector: $SCALE_CHECK |"
  echo "| heap in use after a full GC (\`jcmd GC.run\`, \`GC.heap_info\`) | ${SCALE_HEAP} MiB with $SCALE_CONNECTORS Connectors (\`-Xmx1g\`, RSS ${SCALE_RSS} MiB); ${GW_IDLE_HEAP} MiB idle with the few objects, ${GW_LOADED_HEAP} MiB after the load above |"
  echo "| $TOKENS tokens over $TOKEN_CONNECTORS Connectors ($PAIRS (token, Connector) pairs, each requested $REPEAT times, 32 at a time), pass 1 | ${R[tokens|tr1]} TokenReviews, ${R[tokens|sar1]} SubjectAccessReviews received by the API server; ${R[tokens|out1]} |"
  echo "| the same requests again (pass 2, within the TTLs: both passes took ${TOKEN_PASS_SECONDS} s) | ${R[tokens|tr2]} TokenReviews, ${R[tokens|sar2]} SubjectAccessReviews; ${R[tokens|out2]} |"
  for k in "${START_KEYS[@]}"; do
    echo "| start → first proxied 200, ${R[start|$k-label]} | ${R[start|$k]} ms (median of: ${R[start|$k-all]% }) |"
  done
  echo
  echo "| target | measured | |"
  echo "|---|---|---|"
  echo "| proxy-mode throughput ≥ 0.6× nginx (1 KiB) | $(ratio "${R[gw-proxy|rps_small.json]}" "${R[nginx|rps_small.json]}") | $(verdict "$(ge "${R[gw-proxy|rps_small.json]}" "$(( ${R[nginx|rps_small.json]:-0} * 6 / 10 ))")") |"
  echo "| proxy-mode throughput ≥ 1.3× the Go httputil peer (1 KiB) | $(ratio "${R[gw-proxy|rps_small.json]}" "${R[go|rps_small.json]}") | $(verdict "$(ge "${R[gw-proxy|rps_small.json]}" "$(( ${R[go|rps_small.json]:-0} * 13 / 10 ))")") |"
  echo "| CPU s per 10k requests, 1 KiB ≤ 0.7 | ${R[gw-proxy|cpu_small.json]} (nginx ${R[nginx|cpu_small.json]}, Go ${R[go|cpu_small.json]}) | $(verdict "$(awk -v v="${R[gw-proxy|cpu_small.json]:-9}" 'BEGIN {print (v <= 0.7) ? 1 : 0}')") |"
  echo "| ${BIG_MIB} MiB down ≥ 1.0× the Go peer MB/s | $(ratio "${R[gw-proxy|down]}" "${R[go|down]}") | $(verdict "$(ge "${R[gw-proxy|down]}" "${R[go|down]}")") |"
  ap50=$(added "${R[gw-proxy|p50_us]}" "${R[direct|p50_us]}"); ap99=$(added "${R[gw-proxy|p99_us]}" "${R[direct|p99_us]}")
  echo "| added latency over direct at $RATE req/s: p50 ≤ 0.3 ms | $(ms "$ap50") ms (nginx: $(ms "$(added "${R[nginx|p50_us]}" "${R[direct|p50_us]}")") ms) | $(verdict "$(le "$ap50" 300)") |"
  echo "| added latency over direct at $RATE req/s: p99 ≤ 2 ms | $(ms "$ap99") ms (nginx: $(ms "$(added "${R[nginx|p99_us]}" "${R[direct|p99_us]}")") ms) | $(verdict "$(le "$ap99" 2000)") |"
  echo "| ${BIG_MIB} MiB down ≥ 1.0× nginx MB/s | $(ratio "${R[gw-proxy|down]}" "${R[nginx|down]}") | $(verdict "$(ge "${R[gw-proxy|down]}" "${R[nginx|down]}")") |"
  echo "| ${BIG_MIB} MiB up ≥ 0.9× nginx MB/s | $(ratio "${R[gw-proxy|up]}" "${R[nginx|up]}") | $(verdict "$(ge "${R[gw-proxy|up]}" "$(( ${R[nginx|up]:-0} * 9 / 10 ))")") |"
  growth=$(( ${R[gw-proxy|down_growth]} > ${R[gw-proxy|up_growth]} ? ${R[gw-proxy|down_growth]} : ${R[gw-proxy|up_growth]} ))
  echo "| ${BIG_MIB} MiB streams: RSS growth ≤ 64 MB | +$growth MiB (peak − RSS before the stream) | $(verdict "$(le "$growth" 61)") |"
  echo "| route match p99 ≤ 20 µs (500 × 50 paths) | $(awk -v v="$JMH_P99" 'BEGIN {printf "%.2f", v / 1000}') µs | $(verdict "$(le "$JMH_P99" 20000)") |"
  echo "| heap ≤ 256 MB with $SCALE_CONNECTORS Connectors | ${SCALE_HEAP:-?} MiB | $(verdict "$(le "${SCALE_HEAP:-}" 244)") |"
  echo "| ≤ 1 TokenReview per token per TTL | ${R[tokens|tr1]} + ${R[tokens|tr2]} for $TOKENS tokens | $(verdict "$(le $(( ${R[tokens|tr1]} + ${R[tokens|tr2]} )) "$TOKENS")") |"
  echo "| ≤ 1 SAR per (token, Connector) per TTL | ${R[tokens|sar1]} + ${R[tokens|sar2]} for $PAIRS pairs | $(verdict "$(le $(( ${R[tokens|sar1]} + ${R[tokens|sar2]} )) "$PAIRS")") |"
  echo "| first proxied 200 ≤ 2.0 s with the AOT cache | ${R[start|jdk25-aot]:-not measured} ms | $(verdict "$(le "${R[start|jdk25-aot]:-}" 2000)") |"
  if (( SCALE_CONNECTORS < 10000 )); then echo; echo "(--smoke: fewer objects, tokens and seconds than the targets name; the verdicts are indicative only.)"; fi
} > "$RESULTS"

# ---------------------------------------------------------------- chart
{
  echo "# setup rps_1k rps_64k p50_ms p99_ms p999_ms down_MBps up_MBps"
  for s in "${SETUPS[@]}"; do
    printf '"%s" %s %s %s %s %s %s %s\n' "${LABEL[$s]}" "${R[$s|rps_small.json]:-0}" "${R[$s|rps_mid.bin]:-0}" \
      "$(ms "${R[$s|p50_us]:-0}")" "$(ms "${R[$s|p99_us]:-0}")" "$(ms "${R[$s|p999_us]:-0}")" "${R[$s|down]:-0}" "${R[$s|up]:-0}"
  done
} > "$WORK/chart.dat"
CHART="$WORK/suite.png"
gnuplot > "$WORK/gnuplot.log" 2>&1 <<EOF || log "gnuplot failed (see $WORK/gnuplot.log)"
set terminal pngcairo size 1500,540 font "sans,10" noenhanced
set output "$CHART"
set multiplot layout 1,3 title "connectors-api bench/run.sh$([[ $MODE == smoke ]] && echo ' --smoke'), $DATE, commit $COMMIT, $(nproc) cores"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set xtics rotate by -30 scale 0 font ",9"
set bmargin 8
set grid ytics
set key top right font ",9"
set yrange [0:*]
set title "requests/s at saturation (wrk -t2 -c$CONNECTIONS)"
plot "$WORK/chart.dat" using 2:xtic(1) title "1 KiB", "" using 3 title "64 KiB"
set title "latency at $RATE req/s, open loop (ms, log)"
set logscale y
set yrange [*:*]
plot "$WORK/chart.dat" using 4:xtic(1) title "p50", "" using 5 title "p99", "" using 6 title "p99.9"
unset logscale y
set yrange [0:*]
set title "${BIG_MIB} MiB streams (MB/s, curl)"
plot "$WORK/chart.dat" using 7:xtic(1) title "down", "" using 8 title "up"
unset multiplot
EOF

cat "$RESULTS"
if (( DOCS )); then
  mkdir -p "$ROOT/docs/bench"
  cp "$CHART" "$ROOT/docs/bench/suite.png"
  python3 - "$ROOT/docs/BENCHMARKS.md" "$RESULTS" <<'EOF'
import sys
doc, results = sys.argv[1], open(sys.argv[2]).read().rstrip("\n")
begin, end = "<!-- bench/run.sh results: begin -->", "<!-- bench/run.sh results: end -->"
text = open(doc).read()
if begin not in text or end not in text:
    sys.exit(f"{doc} has no {begin} … {end} markers")
head, rest = text.split(begin, 1)
_, tail = rest.split(end, 1)
body = results + "\n\n![bench/run.sh chart](bench/suite.png)\n"
open(doc, "w").write(head + begin + "\n" + body + end + tail)
EOF
  log "written: docs/BENCHMARKS.md (results section), docs/bench/suite.png"
else
  log "results: $RESULTS, chart: $CHART"
fi
log "done in $(( $(date +%s) - SUITE_START )) s"
# A place at the tool never given back is a defect (enough of them wedge a Connector), not a figure.
log "requests still counted as under way at the tool after each gateway step: ${LEAKS[*]}"
for leak in "${LEAKS[@]}"; do [[ "$leak" == *": 0" ]] || die "places at the tool were not given back (${LEAKS[*]})"; done
}
