#!/usr/bin/env bash
# local-cluster.sh - a throw-away local Kubernetes 1.20.2 control plane (etcd + kube-apiserver,
# no controller-manager/scheduler) bound to 127.0.0.1 only, with static-token users.
#
# Usage:
#   scripts/local-cluster.sh start  DIR   # start (or reuse) the cluster; last stdout line = DIR/cluster.env
#   scripts/local-cluster.sh stop   DIR   # SIGTERM both, after ~5 s SIGKILL; removes the pid files and
#                                         # cluster.env (logs/certs stay); exit 0 even if nothing runs
#   scripts/local-cluster.sh status DIR   # exit 0 and print DIR/cluster.env if running and ready, else 1
#   scripts/local-cluster.sh apiserver-stop  DIR  # stop kube-apiserver only (etcd, ports, tokens stay)
#   scripts/local-cluster.sh apiserver-start DIR  # start it again as it was (same port, certs, tokens,
#                                                 # data), wait until ready (fault tests: an API server restart)
#
# start writes into DIR (absolute paths everywhere):
#   ca.crt                     CA of the API server's serving certificate
#   kubeconfig-{admin,alice,bob,carol}   token kubeconfigs (server https://127.0.0.1:PORT)
#   cluster.env                KUBE_API_URL, KUBE_CA_FILE, KUBE_TOKEN_{ADMIN,ALICE,BOB,CAROL},
#                              KUBECONFIG_{ADMIN,ALICE,BOB,CAROL}, KUBECTL, KUBE_BIN_DIR
#                              (KEY=VALUE lines, shell-sourceable)
#   etcd.log, kube-apiserver.log, etcd.pid, kube-apiserver.pid, pki/, etcd-data/, tokens.csv
# Users (static tokens, random per start; all also get system:authenticated):
#   admin (system:masters), alice (dev), bob (dev), carol (ops).
# Ports are free loopback ports chosen at start; etcd client+peer listen on 127.0.0.1,
# etcd metrics are disabled, kube-apiserver binds 127.0.0.1 with the insecure port off.
# No tty/stdin needed; processes are detached (setsid) with stdio on log files, so a caller
# that waits for this script's stdout to close (e.g. Java ProcessBuilder) is not blocked.
# Environment: READY_TIMEOUT (default 90 s).
set -euo pipefail
# The whole script is one { ... } block, so bash parses it completely before running it
# (editing the file while it runs, e.g. during a long build, cannot derail it).
{

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
READY_TIMEOUT="${READY_TIMEOUT:-90}"
USERS=(admin alice bob carol)
CLUSTER_KUBECTL=""

log() { printf '[local-cluster] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
usage() { echo "usage: $0 start|stop|status|apiserver-stop|apiserver-start DIR" >&2; exit 2; }

[[ $# -eq 2 ]] || usage
CMD="$1"
case "$CMD" in start|stop|status|apiserver-stop|apiserver-start) ;; *) usage ;; esac
[[ -n "$2" ]] || usage
if [[ "$CMD" == start ]]; then mkdir -p "$2"; fi
if [[ ! -d "$2" ]]; then
  [[ "$CMD" == stop ]] && exit 0
  exit 1
fi
DIR="$(cd "$2" && pwd -P)"

# pid of a running NAME (kube-apiserver|etcd) recorded in DIR, or nothing
live_pid() {
  local f="$DIR/$1.pid" pid
  [[ -f "$f" ]] || return 1
  pid="$(tr -dc '0-9' <"$f")"
  [[ -n "$pid" ]] && alive "$pid" || return 1
  # guard against pid reuse: the process must be our binary (or its launcher), for this DIR
  local cmd argv0
  cmd="$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  argv0="$(head -n1 <<<"$cmd")"
  [[ "${argv0##*/}" == "$1" || "$cmd" == *"$DIR/$1.pid"* ]] || return 1
  [[ "$cmd" == *"$DIR/"* ]] || return 1
  printf '%s\n' "$pid"
}

# alive PID: exists and is not a zombie
alive() {
  kill -0 "$1" 2>/dev/null || return 1
  local st; st="$(sed -E 's/^.*\) ([A-Za-z]).*$/\1/' "/proc/$1/stat" 2>/dev/null)" || return 0
  [[ "$st" != Z ]]
}

# SIGTERM kube-apiserver and etcd together, wait up to ~5 s, then SIGKILL what is left.
wait_gone() { # up to 5 s, until none of the given pids is alive
  local i pid any
  for ((i = 0; i < 50 && $# > 0; i++)); do
    any=0
    for pid in "$@"; do alive "$pid" && any=1; done
    ((any)) || return 0
    sleep 0.1
  done
}

do_stop() {
  local name pid i any pids=() names=()
  for name in kube-apiserver etcd; do
    if pid="$(live_pid "$name")"; then
      log "stopping $name (pid $pid)"
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid"); names+=("$name")
    fi
  done
  wait_gone "${pids[@]}"
  for i in "${!pids[@]}"; do
    if alive "${pids[$i]}"; then
      log "${names[$i]} (pid ${pids[$i]}) still alive after 5 s: SIGKILL"
      kill -KILL "${pids[$i]}" 2>/dev/null || true
    fi
  done
  wait_gone "${pids[@]}"
  rm -f "$DIR/kube-apiserver.pid" "$DIR/etcd.pid" "$DIR/cluster.env"
}

kubectl_bin() { # the kubectl recorded for this DIR, or from the binaries cache
  if [[ -x "${CLUSTER_KUBECTL:-}" ]]; then printf "%s\n" "$CLUSTER_KUBECTL"; return; fi
  [[ -f "$DIR/.bindir" ]] && [[ -x "$(cat "$DIR/.bindir")/kubectl" ]] && { printf '%s/kubectl\n' "$(cat "$DIR/.bindir")"; return; }
  return 1
}

is_ready() { # uses the admin kubeconfig
  local k out
  k="$(kubectl_bin)" || return 1
  [[ -f "$DIR/kubeconfig-admin" ]] || return 1
  out="$("$k" --kubeconfig "$DIR/kubeconfig-admin" --request-timeout=3s get --raw /readyz 2>/dev/null </dev/null)" || return 1
  [[ "$out" == ok ]]
}

running_and_ready() {
  live_pid etcd >/dev/null && live_pid kube-apiserver >/dev/null && [[ -f "$DIR/cluster.env" ]] && is_ready
}

launch() { # launch NAME LOG CMD... -> detached, pid written to DIR/NAME.pid by the process itself
  local name="$1" logf="$2"; shift 2
  rm -f "$DIR/$name.pid"
  setsid sh -c 'echo $$ >"$0"; exec "$@"' "$DIR/$name.pid" "$@" </dev/null >>"$logf" 2>&1 9>&- &
  local i
  for ((i = 0; i < 50; i++)); do [[ -s "$DIR/$name.pid" ]] && return 0; sleep 0.05; done
  die "$name did not start"
}

tail_logs() {
  local f
  for f in etcd.log kube-apiserver.log; do
    [[ -f "$DIR/$f" ]] && { log "---- last lines of $DIR/$f"; tail -n 15 "$DIR/$f" >&2; }
  done
  return 0
}

# Serialise start/stop/status on the same DIR. The lock fd is closed for the daemons (9>&-).
exec 9>"$DIR/.lock"
flock -w 300 9 || die "timed out waiting for $DIR/.lock"

case "$CMD" in
  stop) do_stop; exit 0 ;;
  status) if running_and_ready; then printf '%s\n' "$DIR/cluster.env"; exit 0; fi; exit 1 ;;
  apiserver-stop)
    if pid="$(live_pid kube-apiserver)"; then
      log "stopping kube-apiserver (pid $pid)"
      kill -TERM "$pid" 2>/dev/null || true
      wait_gone "$pid"
      alive "$pid" && kill -KILL "$pid" 2>/dev/null || true
      wait_gone "$pid"
    fi
    rm -f "$DIR/kube-apiserver.pid"
    exit 0 ;;
  apiserver-start)
    live_pid etcd >/dev/null || die "etcd of $DIR is not running"
    [[ -s "$DIR/kube-apiserver.args" ]] || die "no recorded kube-apiserver command line in $DIR"
    if ! live_pid kube-apiserver >/dev/null; then
      mapfile -d '' -t ARGS <"$DIR/kube-apiserver.args"
      printf '\n==== %s restart\n' "$(date -Is)" >>"$DIR/kube-apiserver.log"
      launch kube-apiserver "$DIR/kube-apiserver.log" "${ARGS[@]}"
    fi
    deadline=$((SECONDS + READY_TIMEOUT))
    until is_ready; do
      live_pid kube-apiserver >/dev/null || { tail_logs; die "kube-apiserver exited"; }
      ((SECONDS < deadline)) || { tail_logs; die "kube-apiserver not ready within ${READY_TIMEOUT} s"; }
      sleep 0.3
    done
    log "kube-apiserver ready again (pid $(live_pid kube-apiserver))"
    exit 0 ;;
esac

# ------------------------------------------------------------------ start
if running_and_ready; then
  log "cluster in $DIR already running and ready: reusing it"
  printf '%s\n' "$DIR/cluster.env"
  exit 0
fi
do_stop # leftovers of a dead/half-started cluster

command -v openssl >/dev/null || {
  if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null; then
    log "installing openssl"
    DEBIAN_FRONTEND=noninteractive apt-get -q -y install openssl </dev/null >&2 || true
  fi
  command -v openssl >/dev/null || die "openssl is required"
}

BIN_DIR="$("$HERE/kube-test-binaries.sh" </dev/null | tail -n1)" || die "kube-test-binaries.sh failed"
[[ -x "$BIN_DIR/kube-apiserver" && -x "$BIN_DIR/etcd" && -x "$BIN_DIR/kubectl" ]] \
  || die "binaries not found in '$BIN_DIR'"
CLUSTER_KUBECTL="$BIN_DIR/kubectl"
printf '%s\n' "$BIN_DIR" >"$DIR/.bindir"

# ---------- PKI and tokens (fresh per start) ----------
PKI="$DIR/pki"
rm -rf "$PKI" "$DIR/etcd-data"
mkdir -p "$PKI"
chmod 700 "$PKI"
(
  cd "$PKI"
  umask 077
  openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 3650 \
    -subj "/CN=local-cluster-ca" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -keyout apiserver.key -out apiserver.csr -subj "/CN=kube-apiserver" 2>/dev/null
  printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
    "extendedKeyUsage=serverAuth" \
    "subjectAltName=DNS:localhost,IP:127.0.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:10.0.0.1" >apiserver.ext
  openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 \
    -extfile apiserver.ext -out apiserver.crt 2>/dev/null
  openssl genrsa -out sa.key 2048 2>/dev/null
  openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
  chmod 644 ca.crt apiserver.crt sa.pub
) || die "openssl failed"
cp -f "$PKI/ca.crt" "$DIR/ca.crt"

declare -A TOKEN GROUP=([admin]=system:masters [alice]=dev [bob]=dev [carol]=ops)
(umask 077; : >"$DIR/tokens.csv.tmp")
for u in "${USERS[@]}"; do
  TOKEN[$u]="$(openssl rand -hex 24)"
  printf '%s,%s,%s,"%s"\n' "${TOKEN[$u]}" "$u" "uid-$u" "${GROUP[$u]}" >>"$DIR/tokens.csv.tmp"
done
mv -f "$DIR/tokens.csv.tmp" "$DIR/tokens.csv"

# ---------- ports ----------
free_ports() { # prints 3 distinct free loopback ports
  if command -v python3 >/dev/null && python3 -c 'pass' 2>/dev/null; then
    python3 - <<'EOF'
import socket
socks = []
for _ in range(3):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
for s in socks: s.close()
EOF
  else
    local ports=() p
    while ((${#ports[@]} < 3)); do
      p=$((20000 + RANDOM % 30000))
      [[ " ${ports[*]} " == *" $p "* ]] && continue
      (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && continue # in use
      ports+=("$p")
    done
    echo "${ports[*]}"
  fi
}

write_kubeconfig() { # user
  local f="$DIR/kubeconfig-$1"
  (umask 077; cat >"$f.tmp" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster:
    server: $API_URL
    certificate-authority: $DIR/ca.crt
users:
- name: $1
  user:
    token: ${TOKEN[$1]}
contexts:
- name: $1@local
  context:
    cluster: local
    user: $1
    namespace: default
current-context: $1@local
EOF
  )
  mv -f "$f.tmp" "$f"
}

shq() { # value safe for both `source` and naive KEY=VALUE parsers when possible
  if [[ "$1" =~ ^[A-Za-z0-9_./:@%+,=-]*$ ]]; then printf '%s' "$1"; else printf "'%s'" "${1//\'/\'\\\'\'}"; fi
}

attempt=0
while :; do
  attempt=$((attempt + 1))
  read -r ETCD_PORT PEER_PORT API_PORT < <(free_ports)
  API_URL="https://127.0.0.1:$API_PORT"
  ETCD_URL="http://127.0.0.1:$ETCD_PORT"
  PEER_URL="http://127.0.0.1:$PEER_PORT"
  rm -rf "$DIR/etcd-data"
  for u in "${USERS[@]}"; do write_kubeconfig "$u"; done
  log "starting etcd on $ETCD_URL (peer $PEER_URL), kube-apiserver on $API_URL (attempt $attempt)"
  printf '\n==== %s start (attempt %s)\n' "$(date -Is)" "$attempt" >>"$DIR/etcd.log"
  printf '\n==== %s start (attempt %s)\n' "$(date -Is)" "$attempt" >>"$DIR/kube-apiserver.log"

  launch etcd "$DIR/etcd.log" "$BIN_DIR/etcd" \
    --name local --data-dir "$DIR/etcd-data" \
    --listen-client-urls "$ETCD_URL" --advertise-client-urls "$ETCD_URL" \
    --listen-peer-urls "$PEER_URL" --initial-advertise-peer-urls "$PEER_URL" \
    --initial-cluster "local=$PEER_URL" --initial-cluster-state new \
    --listen-metrics-urls "" --enable-pprof=false

  APISERVER_ARGS=("$BIN_DIR/kube-apiserver" \
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 \
    --secure-port="$API_PORT" --insecure-port=0 \
    --etcd-servers="$ETCD_URL" \
    --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
    --client-ca-file="$PKI/ca.crt" \
    --token-auth-file="$DIR/tokens.csv" \
    --authorization-mode=RBAC \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
    --service-cluster-ip-range=10.0.0.0/24 \
    --endpoint-reconciler-type=none \
    --profiling=false)
  printf '%s\0' "${APISERVER_ARGS[@]}" >"$DIR/kube-apiserver.args" # for apiserver-start
  launch kube-apiserver "$DIR/kube-apiserver.log" "${APISERVER_ARGS[@]}"

  deadline=$((SECONDS + READY_TIMEOUT))
  ready=0 died=""
  while ((SECONDS < deadline)); do
    live_pid etcd >/dev/null || { died=etcd; break; }
    live_pid kube-apiserver >/dev/null || { died=kube-apiserver; break; }
    if is_ready; then ready=1; break; fi
    sleep 0.3
  done
  ((ready)) && break
  if [[ -n "$died" ]]; then
    log "$died exited during start-up"
  else
    log "cluster not ready within ${READY_TIMEOUT} s"
  fi
  tail_logs
  do_stop
  # a port taken between choosing and binding: retry with new ports
  if [[ -n "$died" ]] && ((attempt < 3)) && tail -n 40 "$DIR/etcd.log" "$DIR/kube-apiserver.log" | grep -qi 'address already in use'; then
    continue
  fi
  die "could not start the cluster in $DIR (logs: $DIR/etcd.log, $DIR/kube-apiserver.log)"
done

{
  echo "# written by scripts/local-cluster.sh start $(date -Is)"
  echo "KUBE_API_URL=$(shq "$API_URL")"
  echo "KUBE_CA_FILE=$(shq "$DIR/ca.crt")"
  for u in "${USERS[@]}"; do echo "KUBE_TOKEN_${u^^}=$(shq "${TOKEN[$u]}")"; done
  for u in "${USERS[@]}"; do echo "KUBECONFIG_${u^^}=$(shq "$DIR/kubeconfig-$u")"; done
  echo "KUBECTL=$(shq "$CLUSTER_KUBECTL")"
  echo "KUBE_BIN_DIR=$(shq "$BIN_DIR")"
  echo "ETCD_URL=$(shq "$ETCD_URL")"
} >"$DIR/cluster.env.tmp"
chmod 600 "$DIR/cluster.env.tmp"
mv -f "$DIR/cluster.env.tmp" "$DIR/cluster.env"
log "ready: $API_URL (etcd pid $(live_pid etcd), kube-apiserver pid $(live_pid kube-apiserver))"
printf '%s\n' "$DIR/cluster.env"
exit
}
