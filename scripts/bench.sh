#!/usr/bin/env bash
# bench.sh - throughput, latency and memory of the packaged gateway, each compared with a
# baseline measured in the same run (the tool called directly). Loopback only, bounded in time.
# The full suite (nginx and haproxy as peers, open-loop latency, tokens, scale, start times) is
# bench/run.sh; this script stays as the quick gateway-versus-direct check.
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
# shellcheck source=lib/loopback-stack.sh
source "$HERE/lib/loopback-stack.sh"
stack_install_tools
stack_lock bench
rm -rf "$WORK"; mkdir -p "$WORK"
trap stack_cleanup EXIT

stack_nginx "$WORK" "$BIG_MIB"     # the tool: nginx on loopback
stack_cluster "$WORK"              # the cluster, one Connector to nginx, alice allowed
stack_gateway "$WORK" -Xmx64m      # the gateway, packaged, 64 MiB heap
rss() { awk '/VmRSS/ {print int($2/1024)}' "/proc/$GW_PID/status"; }
IDLE_RSS=$(rss)

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
