#!/usr/bin/env bash
# bench/quick.sh - a quick A/B figure for one change to the forwarding path: the packaged gateway in
# proxy mode on the loopback stack of bench/run.sh, WARMUP seconds of wrk (JIT, not measured), then
# RUNS runs of wrk -t2 -c64 -d10s on a 1 KiB file (req/s, the gateway's CPU seconds per 10k
# requests), two 256 MiB downloads and uploads (curl), and the requests the gateway still counts as
# under way at the tool afterwards (must be 0). Bounded and self-stopping, 127.0.0.1 only.
#
#   ./mvnw -B -ntp -q package -DskipTests && bench/quick.sh     # A; then change, rebuild, run: B
#
# Runs of the same build differ by about ±10 % on 2 shared cores: compare A and B run one after
# the other on a quiet machine, and trust bench/run.sh for anything smaller.
# Environment: WARMUP (default 40), RUNS (default 3), GATEWAY_JAVA_OPTS (default -Xmx256m).
set -euo pipefail
{
BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
HERE="$ROOT/scripts"
WORK="$ROOT/target/bench-quick"
WARMUP="${WARMUP:-40}"
RUNS="${RUNS:-3}"
GATEWAY_JAVA_OPTS="${GATEWAY_JAVA_OPTS:--Xmx256m}"
log() { printf '[quick %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
cd "$ROOT"
# shellcheck source=../scripts/lib/loopback-stack.sh
source "$ROOT/scripts/lib/loopback-stack.sh"
stack_ab "$WORK" 256
(umask 077; printf 'wrk.headers["Authorization"] = "Bearer %s"\n' "$KUBE_TOKEN_ALICE" > "$WORK/auth.lua")
log "warm-up: $WARMUP s of wrk (not measured)"
wrk -t2 -c64 -d"${WARMUP}s" -s "$WORK/auth.lua" "$GW/small.json" > /dev/null
echo "bench/quick.sh, commit $(git -C "$ROOT" rev-parse --short HEAD)$([[ -n "$(git -C "$ROOT" status --porcelain -- src pom.xml)" ]] && echo +changes), $(date -u +%Y-%m-%dT%H:%MZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
for ((i = 1; i <= RUNS; i++)); do
  c0=$(cpu_ticks "$GW_PID")
  wrk -t2 -c64 -d10s -s "$WORK/auth.lua" "$GW/small.json" > "$WORK/wrk-$i.txt"
  c1=$(cpu_ticks "$GW_PID")
  n=$(awk '/requests in/ {print $1}' "$WORK/wrk-$i.txt")
  echo "wrk run $i: $(awk '/Requests\/sec/ {printf "%.0f", $2}' "$WORK/wrk-$i.txt") req/s," \
    "$(awk -v c=$((c1 - c0)) -v t="$(getconf CLK_TCK)" -v n="$n" 'BEGIN {printf "%.2f", c / t / n * 10000}') CPU s per 10k requests" \
    "$(grep -E 'Non-2xx|Socket errors' "$WORK/wrk-$i.txt" | tr -s ' \n' ' ')"
done
for i in 1 2; do
  down=$(curl -sS -H "@$WORK/auth.header" -o /dev/null -w '%{speed_download}' "$GW/big.bin" | awk '{printf "%.0f", $1 / 1e6}')
  up=$(curl -sS -H "@$WORK/auth.header" -o /dev/null -w '%{speed_upload}' -T "$WORK/www/big.bin" "$GW/upload" | awk '{printf "%.0f", $1 / 1e6}')
  echo "256 MiB: down $down MB/s, up $up MB/s"
done
calls=$(gw_upstream_calls)
echo "requests still counted as under way at the tool: $calls"
[[ "$calls" == 0 ]]
}
