#!/usr/bin/env bash
# native/bench.sh - the native executable beside the JVM in one run, on the loopback stack of
# bench/run.sh (a local kube-apiserver, nginx as the tool, proxy mode, everything on 127.0.0.1):
# for each, start to the first proxied 200, RSS idle, WARMUP s of wrk (not measured), RUNS runs of
# wrk -t2 -c64 -d10s on a 1 KiB file (req/s, CPU s per 10k requests), RSS under wrk -c1000 for 10 s,
# and two MIB MiB downloads and uploads (MB/s, CPU s). Bounded and self-stopping.
#
#   native/build.sh "$GRAALVM_HOME" && ./mvnw -B -ntp -q package -DskipTests && native/bench.sh
#
# Environment: GATEWAY_HEAP (both, default -Xmx256m), GATEWAY_JAVA_OPTS (the JVM's options, default
# GATEWAY_HEAP), GATEWAY_NATIVE_OPTS (the executable's runtime options, default GATEWAY_HEAP),
# WARMUP (default 40), RUNS (default 3), MIB (default 1024), ONLY (jvm or native: one of them).
# Results: stdout and target/bench-native/results.txt.
set -euo pipefail
{
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HERE="$ROOT/scripts"
WORK="$ROOT/target/bench-native"
WARMUP="${WARMUP:-40}"
RUNS="${RUNS:-3}"
MIB="${MIB:-1024}"
GATEWAY_HEAP="${GATEWAY_HEAP:--Xmx256m}"
GATEWAY_JAVA_OPTS="${GATEWAY_JAVA_OPTS:-$GATEWAY_HEAP}"
GATEWAY_NATIVE_OPTS="${GATEWAY_NATIVE_OPTS:-$GATEWAY_HEAP}"
log() { printf '[native-bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
cd "$ROOT"
RUNNER=$(ls target/*-runner 2>/dev/null | head -1 || true)
[[ -x "$RUNNER" ]] || { log "no native executable in target/: run native/build.sh first"; exit 2; }
# shellcheck source=../scripts/lib/loopback-stack.sh
source "$ROOT/scripts/lib/loopback-stack.sh"
[[ -f target/quarkus-app/quarkus-run.jar ]] || ./mvnw -B -ntp -q package -DskipTests
stack_install_tools
stack_lock bench-quick
rm -rf "$WORK"; mkdir -p "$WORK"
trap 'set +e; stack_cleanup' EXIT
trap 'exit 143' TERM INT
# wrk -c1000 and the gateway's 1000 accepted sockets (the machine's hard limit is 20000)
ulimit -n 8192
stack_nginx "$WORK" "$MIB"
stack_cluster "$WORK"
(umask 077; printf 'Authorization: Bearer %s\n' "$KUBE_TOKEN_ALICE" > "$WORK/auth.header"
  printf 'wrk.headers["Authorization"] = "Bearer %s"\n' "$KUBE_TOKEN_ALICE" > "$WORK/auth.lua")

rss_mb() { awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
hwm_mb() { awk '/^VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
per10k() { awk -v c="$1" -v t="$(getconf CLK_TCK)" -v n="$2" 'BEGIN {printf "%.2f", c / t / n * 10000}'; }

measure() {
  local variant="$1" start first _ c0 c1 n i peak sampler up down
  shift
  log "$variant: starting ($*)"
  STACK_GATEWAY_NO_WAIT=1 stack_gateway "$WORK" "$@"
  start=$GW_START_NS
  first=""
  for _ in $(seq 1 3000); do
    if [[ "$(curl -s -o /dev/null -w '%{http_code}' -H "@$WORK/auth.header" "$GW/small.json")" == 200 ]]; then
      first=$(( ($(date +%s%N) - start) / 1000000 )); break
    fi
    kill -0 "$GW_PID" 2>/dev/null || { log "$variant exited; see $WORK/gateway.log"; tail -20 "$WORK/gateway.log" >&2; exit 1; }
    sleep 0.01
  done
  [[ -n "$first" ]] || { log "$variant: no proxied 200 within 30 s"; exit 1; }
  sleep 5
  echo "$variant: start to first proxied 200: $first ms; RSS idle $(rss_mb "$GW_PID") MB"
  wrk -t2 -c64 -d"${WARMUP}s" -s "$WORK/auth.lua" "$GW/small.json" > /dev/null
  echo "$variant: RSS after ${WARMUP} s of wrk -c64 (warm-up): $(rss_mb "$GW_PID") MB"
  for ((i = 1; i <= RUNS; i++)); do
    c0=$(cpu_ticks "$GW_PID")
    wrk -t2 -c64 -d10s -s "$WORK/auth.lua" "$GW/small.json" > "$WORK/wrk-$variant-$i.txt"
    c1=$(cpu_ticks "$GW_PID")
    n=$(awk '/requests in/ {print $1}' "$WORK/wrk-$variant-$i.txt")
    echo "$variant: wrk -c64 run $i: $(awk '/Requests\/sec/ {printf "%.0f", $2}' "$WORK/wrk-$variant-$i.txt") req/s," \
      "$(per10k $((c1 - c0)) "$n") CPU s per 10k requests" \
      "$(grep -E 'Non-2xx|Socket errors' "$WORK/wrk-$variant-$i.txt" | tr -s ' \n' ' ')"
  done
  # RSS under 1,000 keep-alive connections: sampled every 0.5 s while wrk runs
  echo 0 > "$WORK/peak"
  ( peak=0; while kill -0 "$GW_PID" 2>/dev/null; do r=$(rss_mb "$GW_PID"); (( r > peak )) && { peak=$r; echo "$peak" > "$WORK/peak"; }; sleep 0.5; done ) &
  sampler=$!
  wrk -t2 -c1000 -d10s -s "$WORK/auth.lua" "$GW/small.json" > "$WORK/wrk-$variant-1000.txt"
  kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true
  echo "$variant: wrk -c1000: $(awk '/Requests\/sec/ {printf "%.0f", $2}' "$WORK/wrk-$variant-1000.txt") req/s," \
    "peak RSS $(cat "$WORK/peak") MB $(grep -E 'Non-2xx|Socket errors' "$WORK/wrk-$variant-1000.txt" | tr -s ' \n' ' ')"
  for i in 1 2; do
    c0=$(cpu_ticks "$GW_PID")
    down=$(curl -sS -H "@$WORK/auth.header" -o /dev/null -w '%{speed_download}' "$GW/big.bin")
    c1=$(cpu_ticks "$GW_PID")
    up=$(curl -sS -H "@$WORK/auth.header" -o /dev/null -w '%{speed_upload}' -T "$WORK/www/big.bin" "$GW/upload")
    echo "$variant: $MIB MiB run $i: down $(awk -v s="$down" 'BEGIN {printf "%.0f", s / 1e6}') MB/s" \
      "($(awk -v c=$((c1 - c0)) -v t="$(getconf CLK_TCK)" 'BEGIN {printf "%.2f", c / t}') CPU s)," \
      "up $(awk -v s="$up" 'BEGIN {printf "%.0f", s / 1e6}') MB/s ($(awk -v c=$(( $(cpu_ticks "$GW_PID") - c1 )) -v t="$(getconf CLK_TCK)" 'BEGIN {printf "%.2f", c / t}') CPU s)"
  done
  echo "$variant: peak RSS of the whole run (VmHWM) $(hwm_mb "$GW_PID") MB; requests still under way at the tool: $(gw_upstream_calls)"
  kill "$GW_PID"; wait "$GW_PID" 2>/dev/null || true
}

exec > >(tee "$WORK/results.txt")
echo "native/bench.sh, commit $(git -C "$ROOT" rev-parse --short HEAD)$([[ -n "$(git -C "$ROOT" status --porcelain -- src pom.xml)" ]] && echo +changes), $(date -u +%Y-%m-%dT%H:%MZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "native executable: $RUNNER, $(stat -c %s "$RUNNER" | awk '{printf "%.1f", $1 / 1e6}') MB; JVM: $(java -version 2>&1 | head -1)"
# shellcheck disable=SC2086
[[ "${ONLY:-}" == native ]] || measure jvm $GATEWAY_JAVA_OPTS
# shellcheck disable=SC2086
[[ "${ONLY:-}" == jvm ]] || GATEWAY_NATIVE="$ROOT/$RUNNER" measure native $GATEWAY_NATIVE_OPTS
}
