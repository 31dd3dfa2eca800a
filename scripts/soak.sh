#!/usr/bin/env bash
# soak.sh - load and soak of the packaged gateway, bounded in time, loopback only. Exits non-zero
# when a check fails, and prints a summary table either way.
#
#   ./mvnw -B -ntp package -DskipTests && scripts/soak.sh [SECONDS]   # SECONDS of load, default 600
#
# What runs (the stack of scripts/bench.sh, scripts/lib/loopback-stack.sh): a local kube-apiserver
# + etcd with static-token users, nginx from Debian as the tool, one Connector to it, the gateway as
# `java -Xms128m -Xmx128m -jar quarkus-run.jar` in prod mode (plain HTTP on loopback).
#  1. warm-up: WARMUP seconds (default 30) of wrk -t2 -c1000 through the gateway, 1 KiB answers;
#  2. soak: wrk -t2 -c1000 -dSECONDS (keep-alive, Authorization added by a Lua script), while the
#     gateway's RSS and open file descriptors (/proc/PID/fd) are sampled SAMPLES times;
#  3. a burst of BURST callers (curl --max-time 1) to /slow, which the tool answers after 30 s:
#     every one gives up; a normal request right after must answer 200, and the gateway's
#     connections to the tool must not stay busy with the abandoned requests;
#  4. BIG_MIB (default 256) MiB downloaded and uploaded (PUT, stored by nginx) through the gateway:
#     SHA-256 equal on both sides.
# Checks: no failed request (non-2xx, socket error or timeout) in the soak; RSS at the end within
# 10 % of RSS after warm-up; file descriptors flat (spread of the samples at most 10 % of their
# mean plus one pool, back to idle + at most one pool per event loop after the load); the burst check; the SHA-256s;
# /q/health/ready still 200. Installs wrk and nginx-light from Debian when missing.
set -euo pipefail
{
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
SECONDS_OF_LOAD="${1:-600}"
WARMUP="${WARMUP:-30}"
CONNECTIONS="${CONNECTIONS:-1000}"
BIG_MIB="${BIG_MIB:-256}"
BURST="${BURST:-300}"
SAMPLES="${SAMPLES:-20}"
POOL=64   # connectors.proxy.max-pool-size, the default
LOOPS=$((2 * $(nproc)))   # the gateway's event loops (Quarkus: two per core), each with its own idle connections
WORK="$ROOT/target/soak"
log() { printf '[soak] %s\n' "$*" >&2; }
[[ "$SECONDS_OF_LOAD" =~ ^[0-9]+$ ]] && (( SECONDS_OF_LOAD >= 10 )) || { log "usage: $0 [seconds >= 10]"; exit 2; }
[[ -f "$ROOT/target/quarkus-app/quarkus-run.jar" ]] || { log "run ./mvnw package -DskipTests first"; exit 2; }

# shellcheck source=lib/loopback-stack.sh
source "$HERE/lib/loopback-stack.sh"
stack_install_tools
stack_lock soak
# 1000 client sockets + 1000 accepted ones + the pool, in this shell's children
ulimit -n "$(ulimit -Hn)"
(( $(ulimit -n) >= 4 * CONNECTIONS )) || { log "ulimit -n $(ulimit -n) is too low for $CONNECTIONS connections"; exit 2; }
rm -rf "$WORK"; mkdir -p "$WORK"
trap stack_cleanup EXIT

stack_nginx "$WORK" "$BIG_MIB"
stack_cluster "$WORK"
# The heap is touched at start: RSS growth then shows what grows outside it (buffers, sockets, code).
stack_gateway "$WORK" -Xms128m -Xmx128m -XX:+AlwaysPreTouch
log "gateway pid $GW_PID ready in $READY_MS ms on 127.0.0.1:$GW_PORT"

# The token goes in files only readable here, never on a command line.
(umask 077
 printf 'Authorization: Bearer %s\n' "$KUBE_TOKEN_ALICE" > "$WORK/auth.header"
 printf 'wrk.headers["Authorization"] = "Bearer %s"\n' "$KUBE_TOKEN_ALICE" > "$WORK/auth.lua")
CURL=(curl -sS -H "@$WORK/auth.header")
WRK=(wrk -t2 -c"$CONNECTIONS" --timeout 10s -s "$WORK/auth.lua")

rss() { awk '/VmRSS/ {print int($2/1024)}' "/proc/$GW_PID/status"; }
fds() { find "/proc/$GW_PID/fd" -mindepth 1 -maxdepth 1 | wc -l; }
tool_conns() { # the gateway's established connections to the tool
  ss -Htnp state established "( dport = :$TOOL_PORT )" | grep -c "pid=$GW_PID," || true
}
wrk_field() { # wrk_field FILE WHAT -> a number from wrk's report (0 when absent)
  local f="$1"
  case "$2" in
    requests) awk '/requests in/ {print $1; exit}' "$f" ;;
    rps) awk '/Requests\/sec/ {print $2}' "$f" ;;
    non2xx) awk '/Non-2xx or 3xx responses/ {print $NF; f=1} END {if (!f) print 0}' "$f" ;;
    sockerr) awk '/Socket errors/ {gsub(/,/, ""); print $4 + $6 + $8 + $10; f=1} END {if (!f) print 0}' "$f" ;;
    p99) awk '/^ +99%/ {print $2}' "$f" ;;
  esac
}

status_count() { # requests the gateway answered with this status so far (its own metrics)
  curl -s "http://127.0.0.1:$GW_MANAGEMENT_PORT/q/metrics" \
    | awk -v s="status=\"$1\"" '/^connectors_requests_seconds_count\{/ && index($0, s) {n += $NF} END {printf "%d\n", n}'
}

FAILED=()
ROWS=()
check() { # check NAME OK(0/1) FIGURE
  local verdict=ok
  if [[ "$2" != 1 ]]; then verdict=FAILED; FAILED+=("$1"); fi
  ROWS+=("| $1 | $3 | $verdict |")
}

"${CURL[@]}" -f -o /dev/null "$GW/small.json"   # the reviews, cached from here on
IDLE_RSS=$(rss); IDLE_FDS=$(fds)
log "warm-up: ${WARMUP} s, $CONNECTIONS connections (not measured)"
"${WRK[@]}" -d"${WARMUP}s" "$GW/small.json" > "$WORK/wrk-warmup.txt"
# wrk leaves with up to CONNECTIONS requests in flight, most of them waiting for a pooled
# connection; the soak starts once the gateway answers again.
SETTLE_START=$(date +%s%N)
until [[ "$("${CURL[@]}" -o /dev/null -w '%{http_code}' --max-time 15 "$GW/small.json" 2>/dev/null)" == 200 ]]; do
  (( ($(date +%s%N) - SETTLE_START) / 1000000000 < 60 )) || break
  sleep 0.2
done
SETTLE_MS=$(( ($(date +%s%N) - SETTLE_START) / 1000000 ))
WARM_503=$(status_count 503)
WARM_RSS=$(rss)

log "soak: ${SECONDS_OF_LOAD} s, $CONNECTIONS connections, 1 KiB answers; RSS and fds sampled $SAMPLES times"
"${WRK[@]}" -d"${SECONDS_OF_LOAD}s" --latency "$GW/small.json" > "$WORK/wrk-soak.txt" &
WRK_PID=$!
STEP=$(awk -v d="$SECONDS_OF_LOAD" -v n="$SAMPLES" 'BEGIN {printf "%.2f", d / (n + 1)}')
: > "$WORK/samples.tsv"
for ((i = 1; i <= SAMPLES; i++)); do
  sleep "$STEP"
  kill -0 "$WRK_PID" 2>/dev/null || break
  printf '%s\t%s\t%s\n' "$(( i * ${STEP%.*} ))" "$(rss)" "$(fds)" >> "$WORK/samples.tsv"
done
wait "$WRK_PID" || { log "wrk failed"; cat "$WORK/wrk-soak.txt" >&2; }
END_RSS=$(rss)
sleep 2
AFTER_FDS=$(fds)
AFTER_CALLS=$(gw_upstream_calls)

REQUESTS=$(wrk_field "$WORK/wrk-soak.txt" requests)
NON2XX=$(wrk_field "$WORK/wrk-soak.txt" non2xx)
SOCKERR=$(wrk_field "$WORK/wrk-soak.txt" sockerr)
RPS=$(wrk_field "$WORK/wrk-soak.txt" rps)
P99=$(wrk_field "$WORK/wrk-soak.txt" p99)
check "requests through the gateway (wrk -t2 -c$CONNECTIONS -d${SECONDS_OF_LOAD}s)" \
  "$([[ -n "$REQUESTS" && "$REQUESTS" -gt 0 ]] && echo 1)" "${REQUESTS:-none}, ${RPS:-?} req/s, p99 ${P99:-?}"
ROWS+=("| after the warm-up: $CONNECTIONS callers left at once, then one caller | first 200 after $SETTLE_MS ms; $WARM_503 requests answered 503 meanwhile (wait queue full) | info |")
check "failed requests in the soak (non-2xx + socket errors/timeouts)" "$([[ "$NON2XX" == 0 && "$SOCKERR" == 0 ]] && echo 1)" \
  "$NON2XX non-2xx, $SOCKERR socket errors"
GROWTH=$(awk -v a="$WARM_RSS" -v b="$END_RSS" 'BEGIN {printf "%.1f", (b - a) * 100 / a}')
check "gateway RSS growth, after warm-up → end (< 10 %)" \
  "$(awk -v g="$GROWTH" 'BEGIN {print (g < 10) ? 1 : 0}')" "idle $IDLE_RSS MiB, after warm-up $WARM_RSS MiB, end $END_RSS MiB ($GROWTH %)"
read -r FD_MIN FD_MAX FD_MEAN < <(awk -F'\t' 'NR == 1 {min = max = $3} {s += $3; if ($3 < min) min = $3; if ($3 > max) max = $3}
  END {printf "%d %d %d\n", min, max, (NR ? s / NR : 0)}' "$WORK/samples.tsv")
RSS_SERIES=$(cut -f2 "$WORK/samples.tsv" | paste -sd' ')
FD_SERIES=$(cut -f3 "$WORK/samples.tsv" | paste -sd' ')
check "gateway open fds under load, $(wc -l < "$WORK/samples.tsv") samples (flat)" \
  "$(( FD_MAX - FD_MIN <= FD_MEAN / 10 + POOL ? 1 : 0 ))" "min $FD_MIN, max $FD_MAX; idle $IDLE_FDS"
check "gateway open fds 2 s after the load (≤ idle + one pool per event loop)" "$(( AFTER_FDS <= IDLE_FDS + LOOPS * POOL ? 1 : 0 ))" \
  "$AFTER_FDS (idle $IDLE_FDS, $LOOPS event loops)"
check "requests the gateway counts as under way at the tool after the load (connectors_upstream_calls = 0)" \
  "$(( AFTER_CALLS == 0 ? 1 : 0 ))" "$AFTER_CALLS"

log "burst: $BURST callers give up after 1 s on /slow"
BEFORE_BURST=$(tool_conns)
seq "$BURST" | xargs -P "$BURST" -I{} "${CURL[@]}" -o /dev/null --max-time 1 "$GW/slow" 2>/dev/null || true
sleep 1
AFTER_BURST=$(tool_conns)
NORMAL=$("${CURL[@]}" -o /dev/null -w '%{http_code} in %{time_total} s' --max-time 5 "$GW/small.json" || echo "no answer")
check "after $BURST callers gave up (curl --max-time 1 on /slow): a normal request" "$([[ "$NORMAL" == 200* ]] && echo 1)" \
  "$NORMAL; gateway→tool connections $BEFORE_BURST before, $AFTER_BURST 1 s after"
check "abandoned upstream requests cancelled (gateway→tool connections 1 s after the burst < pool)" \
  "$(( AFTER_BURST < POOL ? 1 : 0 ))" "$AFTER_BURST < $POOL"
BURST_CALLS=$(gw_upstream_calls)
check "places at the tool given back by the callers who gave up (connectors_upstream_calls = 0)" \
  "$(( BURST_CALLS == 0 ? 1 : 0 ))" "$BURST_CALLS"

log "streams: ${BIG_MIB} MiB down and up"
BIG_SHA=$(sha256sum "$WORK/www/big.bin" | cut -d' ' -f1)
DOWN_SHA=$("${CURL[@]}" -f "$GW/big.bin" -w '%{stderr}%{speed_download}' 2> "$WORK/down.speed" | sha256sum | cut -d' ' -f1)
DOWN=$(tail -c 40 "$WORK/down.speed" | grep -Eo '[0-9.]+$' || echo 0)
check "${BIG_MIB} MiB download, SHA-256 equal" "$([[ "$DOWN_SHA" == "$BIG_SHA" ]] && echo 1)" \
  "$(awk -v s="$DOWN" 'BEGIN {printf "%.0f MB/s", s / 1e6}'), ${DOWN_SHA:0:16}… vs ${BIG_SHA:0:16}…"
UP=$("${CURL[@]}" -f -T "$WORK/www/big.bin" -o /dev/null -w '%{speed_upload}' "$GW/dav/up.bin" || echo 0)
UP_SHA=$(sha256sum "$WORK/www/dav/up.bin" 2>/dev/null | cut -d' ' -f1)
check "${BIG_MIB} MiB upload (PUT, stored by nginx), SHA-256 equal" "$([[ "$UP_SHA" == "$BIG_SHA" ]] && echo 1)" \
  "$(awk -v s="$UP" 'BEGIN {printf "%.0f MB/s", s / 1e6}'), ${UP_SHA:0:16}… vs ${BIG_SHA:0:16}…"
READY=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$GW_MANAGEMENT_PORT/q/health/ready" || true)
check "gateway /q/health/ready at the end" "$([[ "$READY" == 200 ]] && echo 1)" "$READY; RSS $(rss) MiB, fds $(fds)"

cat <<EOF

connectors-api soak ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(java -version 2>&1 | head -1), commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo ?))
command: scripts/soak.sh $SECONDS_OF_LOAD (WARMUP=$WARMUP CONNECTIONS=$CONNECTIONS BIG_MIB=$BIG_MIB BURST=$BURST)
gateway: java -Xms128m -Xmx128m -XX:+AlwaysPreTouch -jar quarkus-run.jar, ready in $READY_MS ms
RSS samples (MiB): $RSS_SERIES
fd samples: $FD_SERIES
| check | figure | result |
|---|---|---|
EOF
printf '%s\n' "${ROWS[@]}"
if (( ${#FAILED[@]} )); then
  log "FAILED: ${FAILED[*]} (logs in $WORK)"
  exit 1
fi
log "all checks passed"
}
