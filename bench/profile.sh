#!/usr/bin/env bash
# bench/profile.sh - where the gateway spends its time under load: async-profiler flame graphs (CPU,
# then allocations) and a JFR recording, on the loopback stack of bench/run.sh. Bounded, self-stopping.
#
#   bench/profile.sh [SECONDS]     # SECONDS of profiled load per profile, default 30
#
# What runs: scripts/lib/loopback-stack.sh (a local kube-apiserver, nginx as the tool, one Connector
# default/static with a bearer-token Secret, the packaged gateway with -XX:+DebugNonSafepoints);
# WARMUP seconds (default 20) of wrk through the gateway (JIT), then SECONDS of wrk -t2 -c64 on a
# 1 KiB file while async-profiler samples CPU (perf events, or itimer where the kernel refuses
# them), then SECONDS while it samples allocations, with a JFR recording (settings=profile) over
# those only (JFR's own sampling would show in the CPU profile). async-profiler is the release
# jar of Maven Central (tools.profiler:async-profiler, fetched with ./mvnw dependency:get; its linux-x64 library is
# loaded into the running gateway with `jcmd PID JVMTI.agent_load`). Without it (offline, another
# platform) only the JFR recording is made.
# Output: target/bench-profile/{cpu.html,cpu.collapsed,cpu-shares.md,alloc.html,gateway.jfr,wrk-*.txt};
# cpu-shares.md (bench/shares.py) is the CPU by library, printed at the end.
# Environment: GATEWAY_JAVA_OPTS (default -Xmx256m), WARMUP, CONNECTIONS (default 64),
# ASYNC_PROFILER_VERSION (default 4.2).
set -euo pipefail
{
BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
HERE="$ROOT/scripts"
WORK="$ROOT/target/bench-profile"
SECONDS_OF_LOAD="${1:-30}"
WARMUP="${WARMUP:-20}"
CONNECTIONS="${CONNECTIONS:-64}"
GATEWAY_JAVA_OPTS="${GATEWAY_JAVA_OPTS:--Xmx256m}"
AP_VERSION="${ASYNC_PROFILER_VERSION:-4.2}"
log() { printf '[profile %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
[[ "$SECONDS_OF_LOAD" =~ ^[0-9]+$ ]] && (( SECONDS_OF_LOAD >= 1 )) || { log "usage: $0 [seconds]"; exit 2; }
cd "$ROOT"
[[ -f target/quarkus-app/quarkus-run.jar ]] || { log "building: ./mvnw -B -ntp package -DskipTests"; ./mvnw -B -ntp -q package -DskipTests; }

# shellcheck source=../scripts/lib/loopback-stack.sh
source "$ROOT/scripts/lib/loopback-stack.sh"
stack_install_tools
stack_lock bench-profile
rm -rf "$WORK"; mkdir -p "$WORK"
trap 'set +e; stack_cleanup' EXIT
trap 'exit 143' TERM INT

AP_LIB=""
if ./mvnw -B -ntp -q dependency:get -Dartifact="tools.profiler:async-profiler:$AP_VERSION" >"$WORK/mvn.log" 2>&1; then
  jar_file="$HOME/.m2/repository/tools/profiler/async-profiler/$AP_VERSION/async-profiler-$AP_VERSION.jar"
  arch=linux-x64; [[ "$(uname -m)" == aarch64 ]] && arch=linux-arm64
  mkdir -p "$WORK/async-profiler"
  if python3 -c 'import sys, zipfile; open(sys.argv[3], "wb").write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))' \
       "$jar_file" "$arch/libasyncProfiler.so" "$WORK/async-profiler/libasyncProfiler.so" 2>/dev/null; then
    AP_LIB="$WORK/async-profiler/libasyncProfiler.so"
  fi
fi
[[ -n "$AP_LIB" ]] || log "async-profiler $AP_VERSION not available (see $WORK/mvn.log): JFR only"
# perf events first (async-profiler samples user space with them even at perf_event_paranoid 2, at a
# fraction of itimer's cost to the load); itimer when the profiler did not start with them.
EVENT=cpu

stack_nginx "$WORK" 16
stack_cluster "$WORK"
# shellcheck disable=SC2086
stack_gateway "$WORK" $GATEWAY_JAVA_OPTS -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints
log "gateway pid $GW_PID ready in $READY_MS ms"
(umask 077; printf 'wrk.headers["Authorization"] = "Bearer %s"\n' "$KUBE_TOKEN_ALICE" > "$WORK/auth.lua")
WRK=(wrk -t2 -c"$CONNECTIONS" --timeout 10s --latency -s "$WORK/auth.lua" "$GW/small.json")
JCMD="$(dirname "$(readlink -f "$(command -v java)")")/jcmd"
# jcmd reads NAME=VALUE as its own option: the agent's argument string goes in double quotes.
# Succeeds when the agent says "return code: 0" (its own messages go to the gateway's stdout).
profiler() { "$JCMD" "$GW_PID" JVMTI.agent_load "$AP_LIB" "\"$1\"" 2>&1 | tee -a "$WORK/jcmd.log" | grep -q "return code: 0"; }

log "warm-up: $WARMUP s of wrk (not profiled)"
"${WRK[@]}" -d"${WARMUP}s" > "$WORK/wrk-warmup.txt" 2>&1 || true
jfr_start() { "$JCMD" "$GW_PID" JFR.start name=bench settings=profile filename="$WORK/gateway.jfr" >> "$WORK/jcmd.log" 2>&1 || log "JFR did not start"; }
if [[ -n "$AP_LIB" ]]; then
  profiler "start,event=$EVENT,interval=1ms" || { EVENT=itimer; profiler "start,event=$EVENT,interval=1ms" || true; }
  log "CPU ($EVENT): $SECONDS_OF_LOAD s of wrk -t2 -c$CONNECTIONS"
  "${WRK[@]}" -d"${SECONDS_OF_LOAD}s" > "$WORK/wrk-cpu.txt" 2>&1 || true
  profiler "dump,file=$WORK/cpu.collapsed,collapsed" || true
  profiler "stop,file=$WORK/cpu.html" || true
  # JFR only from here: its sampling would be counted in the CPU profile above.
  jfr_start
  log "allocations: $SECONDS_OF_LOAD s of wrk"
  profiler "start,event=alloc" || true
  "${WRK[@]}" -d"${SECONDS_OF_LOAD}s" > "$WORK/wrk-alloc.txt" 2>&1 || true
  profiler "stop,file=$WORK/alloc.html" || true
else
  jfr_start
  "${WRK[@]}" -d"${SECONDS_OF_LOAD}s" > "$WORK/wrk-cpu.txt" 2>&1 || true
fi
"$JCMD" "$GW_PID" JFR.stop name=bench >> "$WORK/jcmd.log" 2>&1 || true
for f in cpu.html cpu.collapsed alloc.html gateway.jfr; do
  [[ -s "$WORK/$f" ]] && log "written: $WORK/$f" || log "missing: $f (see $WORK/jcmd.log)"
done
awk '/Requests\/sec/ {print "[profile] load while profiled: " $2 " req/s (" FILENAME ")"}' "$WORK"/wrk-cpu.txt "$WORK"/wrk-alloc.txt >&2 2>/dev/null || true
# The CPU samples by library (bench/shares.py), also kept beside the flame graph.
[[ -s "$WORK/cpu.collapsed" ]] && python3 "$BENCH/shares.py" "$WORK/cpu.collapsed" | tee "$WORK/cpu-shares.md"
}
