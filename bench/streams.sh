#!/usr/bin/env bash
# bench/streams.sh - what a large stream costs the gateway: RUNS uploads and downloads of MIB MiB
# through proxy mode on the loopback stack of bench/run.sh (curl to nginx's /upload and a static
# file), each with its MB/s and the gateway's CPU seconds (utime + stime from /proc). The first
# runs also warm the JIT: read the later ones. Bounded and self-stopping, 127.0.0.1 only.
#
#   ./mvnw -B -ntp -q package -DskipTests && bench/streams.sh     # A; then change, rebuild, run: B
#
# Environment: RUNS (default 10), MIB (default 1024), GATEWAY_JAVA_OPTS (default -Xmx256m).
set -euo pipefail
{
BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
HERE="$ROOT/scripts"
WORK="$ROOT/target/bench-streams"
RUNS="${RUNS:-10}"
MIB="${MIB:-1024}"
GATEWAY_JAVA_OPTS="${GATEWAY_JAVA_OPTS:--Xmx256m}"
log() { printf '[streams %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
cd "$ROOT"
# shellcheck source=../scripts/lib/loopback-stack.sh
source "$ROOT/scripts/lib/loopback-stack.sh"
stack_ab "$WORK" "$MIB"
cpu() { awk -v c="$1" -v t="$(getconf CLK_TCK)" 'BEGIN {printf "%.2f", c / t}'; }
mbs() { awk -v s="$1" 'BEGIN {printf "%.0f", s / 1e6}'; }
echo "bench/streams.sh, commit $(git -C "$ROOT" rev-parse --short HEAD)$([[ -n "$(git -C "$ROOT" status --porcelain -- src pom.xml)" ]] && echo +changes), $(date -u +%Y-%m-%dT%H:%MZ), $MIB MiB, load $(cut -d' ' -f1-3 /proc/loadavg)"
for ((i = 1; i <= RUNS; i++)); do
  c0=$(cpu_ticks "$GW_PID")
  up=$(curl -sS -H "@$WORK/auth.header" -o /dev/null -w '%{speed_upload}' -T "$WORK/www/big.bin" "$GW/upload")
  c1=$(cpu_ticks "$GW_PID")
  down=$(curl -sS -H "@$WORK/auth.header" -o /dev/null -w '%{speed_download}' "$GW/big.bin")
  c2=$(cpu_ticks "$GW_PID")
  echo "run $i: up $(mbs "$up") MB/s, $(cpu $((c1 - c0))) CPU s; down $(mbs "$down") MB/s, $(cpu $((c2 - c1))) CPU s"
done
calls=$(gw_upstream_calls)
echo "requests still counted as under way at the tool: $calls"
[[ "$calls" == 0 ]]
}
