#!/usr/bin/env bash
# image-test.sh - the container image, run as a cluster runs it, against a real kube-apiserver.
#
# Usage:   scripts/image-test.sh [IMAGE]      (default: what scripts/image.sh builds)
#
# On loopback only (podman --network host, every server bound to 127.0.0.1 on free ports):
#   - a local cluster (scripts/local-cluster.sh), an nginx tool and a Connector to it
#     (scripts/lib/loopback-stack.sh), then the install manifests exactly as
#     `kubectl kustomize src/main/kubernetes` renders them: the ServiceAccount and RBAC the
#     containers run with are the shipped ones, nothing added;
#   - a TokenRequest token of that ServiceAccount, its CA and namespace in the standard in-cluster
#     files, and a kubernetes.io/tls Secret's files, mounted as a kubelet mounts them;
#   - the image started with --read-only (only /tmp writable), no capabilities, no new privileges,
#     a 512 MiB memory limit, KUBERNETES_SERVICE_HOST/PORT at the API server; then proves:
#     ready on the management port; a caller with `get` on the Connector gets 200 and the tool saw
#     the Connector's credentials; a caller without gets 403; the status writer takes the Lease and
#     writes status.api; no "Forbidden" in any log;
#   - two replicas (two containers, two ports): one holds the Lease; SIGTERM to it while a slow
#     request is in flight: that request completes, the Lease is released and the other replica
#     takes it within the lease duration and keeps writing status, both serving meanwhile; then the
#     holder is killed outright (no release) and the other takes over within the lease duration.
# Prints the figures (image size, start-to-ready, RSS, hand-over times) and exits non-zero at the
# first failed check. Needs root (podman) and the kube-apiserver test binaries.
set -euo pipefail
{

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
cd "$ROOT"
log() { printf '[image-test] %s\n' "$*" >&2; }
fail() { log "FAILED: $*"; dump_logs; exit 1; }
# shellcheck source=lib/loopback-stack.sh
source "$HERE/lib/loopback-stack.sh"

IMAGE="${1:-}"
if [[ -z "$IMAGE" ]]; then IMAGE="$("$HERE/image.sh" | tail -n1)"; fi
podman image exists "$IMAGE" || fail "no image $IMAGE"

WORK="$ROOT/target/image-test"
LEASE=connectors-api-status-writer
LEASE_SECONDS=15 # StatusWriter.LEASE_DURATION
CONTAINERS=()

stack_lock image-test
rm -rf "$WORK"; mkdir -p "$WORK"
cleanup() {
  set +e
  local c
  for c in "${CONTAINERS[@]}"; do
    podman logs "$c" >"$WORK/$c.log" 2>&1 # kept in target/image-test
    podman rm -f -t 0 "$c" >/dev/null 2>&1
  done
  stack_cleanup
}
trap cleanup EXIT
trap 'exit 143' TERM INT

dump_logs() {
  local c
  for c in "${CONTAINERS[@]}"; do
    log "---- last lines of container $c"
    # the JSON lines' level, logger, message and exception messages
    podman logs --tail 20 "$c" 2>&1 | sed -E 's/.*"loggerName":"([^"]*)".*"level":"([^"]*)","message":"([^"]*)".*/\2 \1 \3/; s/\\n\\tat .*//' \
      | cut -c1-600 >&2 || true
    podman logs "$c" 2>&1 | grep -o '"exceptionType":"[^"]*","message":"[^"]*' | tail -5 | cut -c1-400 >&2 || true
  done
}

# ------------------------------------------------------------------ the tool and the cluster
stack_install_tools
# /auth answers with the Authorization header the tool received; /slow.bin takes about 3 s.
STACK_NGINX_EXTRA='location = /auth { default_type text/plain; return 200 "$http_authorization\n"; }
    location = /slow.bin { limit_rate 1k; limit_rate_after 0; }'
stack_nginx "$WORK" 1
head -c 3072 /dev/zero >"$WORK/www/slow.bin"
stack_cluster "$WORK"
API_PORT="${KUBE_API_URL##*:}"

# The shipped objects, exactly as rendered. Kubernetes 1.20 (the test API server) predates
# policy/v1: the PodDisruptionBudget goes in as policy/v1beta1, same fields.
"$KUBECTL" kustomize src/main/kubernetes >"$WORK/install.yaml"
API_VERSIONS="$(K api-versions)"
if ! grep -qx policy/v1 <<<"$API_VERSIONS"; then
  sed -i 's|^apiVersion: policy/v1$|apiVersion: policy/v1beta1|' "$WORK/install.yaml"
fi
K apply -f "$WORK/install.yaml" >/dev/null
log "applied the install manifests: $(grep -c '^kind:' "$WORK/install.yaml") objects"

# The ServiceAccount's files, as the kubelet projects them.
mkdir -p "$WORK/sa"
printf '{"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest","spec":{"expirationSeconds":3600}}' \
  | K create --raw /api/v1/namespaces/connectors-system/serviceaccounts/connectors-api/token -f - \
  | sed -n 's/.*"token":"\([^"]*\)".*/\1/p' | tr -d '\n' >"$WORK/sa/token" # no newline, as the kubelet writes it
[[ -s "$WORK/sa/token" ]] || fail "no TokenRequest token for connectors-system/connectors-api"
cp "$KUBE_CA_FILE" "$WORK/sa/ca.crt"
printf connectors-system >"$WORK/sa/namespace"

# The serving certificate, through a kubernetes.io/tls Secret as the Deployment mounts it.
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  -keyout "$WORK/serving.key" -out "$WORK/serving.crt" >/dev/null 2>&1
K -n connectors-system create secret tls connectors-api-tls --cert "$WORK/serving.crt" --key "$WORK/serving.key" >/dev/null
mkdir -p "$WORK/tls"
for f in tls.crt tls.key; do
  K -n connectors-system get secret connectors-api-tls -o "jsonpath={.data.${f/./\\.}}" | base64 -d >"$WORK/tls/$f"
done
chmod 0755 "$WORK/sa" "$WORK/tls"; chmod 0644 "$WORK"/sa/* "$WORK"/tls/* # the kubelet's default mode

# ------------------------------------------------------------------ the containers
declare -A PORT MGMT START_NS READY_MS
run_replica() { # run_replica NAME: starts the container, waits until ready
  local name="$1" _
  PORT[$name]=$(free_port); MGMT[$name]=$(free_port)
  START_NS[$name]=$(date +%s%N)
  podman run -d --name "$name" --hostname "$name" --network host \
    --read-only --read-only-tmpfs=false --tmpfs /tmp:rw,size=256m,mode=1777 \
    --cap-drop ALL --security-opt no-new-privileges --memory 512m \
    -v "$WORK/sa:/var/run/secrets/kubernetes.io/serviceaccount:ro" \
    -v "$WORK/tls:/etc/connectors-api/tls:ro" \
    -e KUBERNETES_SERVICE_HOST=127.0.0.1 -e KUBERNETES_SERVICE_PORT="$API_PORT" \
    -e CONNECTORS_SYSTEM_NAMESPACE=connectors-system \
    -e QUARKUS_HTTP_HOST=127.0.0.1 -e QUARKUS_HTTP_SSL_PORT="${PORT[$name]}" -e QUARKUS_HTTP_PORT="$(free_port)" \
    -e QUARKUS_MANAGEMENT_HOST=127.0.0.1 -e QUARKUS_MANAGEMENT_PORT="${MGMT[$name]}" \
    -e CONNECTORS_FORWARD_PROXY_PORT="$(free_port)" \
    "$IMAGE" >/dev/null
  CONTAINERS+=("$name")
  for _ in $(seq 1 600); do
    curl -sf "http://127.0.0.1:${MGMT[$name]}/q/health/ready" >/dev/null 2>&1 && break
    [[ "$(podman inspect --format '{{.State.Running}}' "$name")" == true ]] || fail "container $name exited"
    sleep 0.1
  done
  curl -sf "http://127.0.0.1:${MGMT[$name]}/q/health/ready" >/dev/null || fail "$name not ready within 60 s"
  READY_MS[$name]=$(( ($(date +%s%N) - START_NS[$name]) / 1000000 ))
  log "$name ready on https://127.0.0.1:${PORT[$name]} (management ${MGMT[$name]}) ${READY_MS[$name]} ms after podman run"
}

call() { # call NAME TOKEN PATH -> prints "CODE BODY"
  curl -s --cacert "$WORK/tls/tls.crt" -H "Authorization: Bearer $2" -o "$WORK/body" -w '%{http_code}' \
    "https://127.0.0.1:${PORT[$1]}/connectors/v1alpha1/default/static/path$3" || true
  printf ' %s\n' "$(head -c 300 "$WORK/body" 2>/dev/null | tr -d '\n')"
}

holder() { K -n connectors-system get lease "$LEASE" -o 'jsonpath={.spec.holderIdentity}' 2>/dev/null || true; }

wait_for() { # wait_for SECONDS DESCRIPTION COMMAND... : until COMMAND succeeds
  local seconds="$1" what="$2" deadline; shift 2
  deadline=$(( $(date +%s%N) + seconds * 1000000000 ))
  until "$@"; do
    (( $(date +%s%N) < deadline )) || fail "$what: not within $seconds s"
    sleep 0.2
  done
}

rss_mb() { # resident memory of the container's java process
  local pid; pid=$(podman inspect --format '{{.State.Pid}}' "$1")
  awk '/^VmRSS/ {printf "%d", $2 / 1024}' "/proc/$pid/status"
}

no_forbidden() {
  local c n
  for c in "${CONTAINERS[@]}"; do
    n=$(podman logs "$c" 2>&1 | grep -ci forbidden || true)
    ((n == 0)) || { podman logs "$c" 2>&1 | grep -i forbidden | head -3 | cut -c1-300 >&2; fail "$c logged Forbidden ($n lines)"; }
  done
}

status_api_of() { K -n default get connector "$1" -o 'jsonpath={.status.api.path}' 2>/dev/null || true; }
has_status_api() { [[ -n "$(status_api_of "$1")" ]]; }
held_by() { [[ "$(holder)" == "$1"-* ]]; }

size=$(podman image inspect --format '{{.Size}}' "$IMAGE")
log "image $IMAGE: $((size / 1000000)) MB"
if [[ "$(podman image inspect --format '{{json .Config.Entrypoint}}' "$IMAGE")" == *'"java"'* ]]; then
  heap=$(podman run --rm --network host --memory 512m --entrypoint java "$IMAGE" \
    -XX:MaxRAMPercentage=75.0 -XX:+PrintFlagsFinal -version 2>/dev/null | awk '$2 == "MaxHeapSize" {printf "%d", $4 / 1048576}')
  log "heap under a 512 MiB limit: ${heap} MiB"
  ((heap > 300 && heap <= 384)) || fail "heap ${heap} MiB does not follow the memory limit"
else
  # The native executable reads no cgroup limit (its toolchain has no container support): its heap
  # is the CMD's explicit -Xmx, which the Deployment's args replace.
  cmd=$(podman image inspect --format '{{json .Config.Cmd}}' "$IMAGE")
  log "native image: heap from its CMD $cmd"
  heap=$(grep -oE 'Xmx[0-9]+m' <<<"$cmd" | tr -dc 0-9) || fail "the native image sets no explicit heap"
fi
if podman run --rm --network host --entrypoint /bin/sh "$IMAGE" -c true >/dev/null 2>&1; then
  log "the image has a shell (a standard base); the entrypoint does not use it"
else
  log "no shell in the image: the exec-form entrypoint needs none"
fi

# ------------------------------------------------------------------ one replica
run_replica replica-a
[[ "$(podman inspect --format '{{.Config.User}}' "$IMAGE")" == 1001:1001 ]] || fail "image user is not 1001:1001"
uid=$(awk '/^Uid:/ {print $2}' "/proc/$(podman inspect --format '{{.State.Pid}}' replica-a)/status")
[[ "$uid" == 1001 ]] || fail "the process runs as uid $uid"
metrics="$(curl -sf "http://127.0.0.1:${MGMT[replica-a]}/q/metrics" || true)"
grep -q '^jvm_memory_used_bytes' <<<"$metrics" || fail "no Prometheus metrics on the management port"
code=$(curl -s --cacert "$WORK/tls/tls.crt" -o /dev/null -w '%{http_code}' "https://127.0.0.1:${PORT[replica-a]}/q/metrics" || true)
[[ "$code" != 200 ]] || fail "metrics served on the gateway's port"
log "health and metrics on the management port only (/q/metrics on the HTTPS port: $code)"
read -r code body < <(call replica-a "$KUBE_TOKEN_ALICE" /auth)
[[ "$code" == 200 && "$body" == "Bearer tool-token" ]] || fail "alice (get): $code $body"
log "alice (get on the Connector): $code, the tool saw '$body'"
read -r code body < <(call replica-a "$KUBE_TOKEN_BOB" /auth)
[[ "$code" == 403 ]] || fail "bob (no get): $code $body"
log "bob (no get): $code"
wait_for 30 "replica-a takes the Lease" held_by replica-a
wait_for 30 "status.api of default/static" has_status_api static
log "Lease held by $(holder); Connector default/static status.api.path=$(status_api_of static)"
no_forbidden
RSS_A=$(rss_mb replica-a)
log "replica-a RSS ${RSS_A} MB after its first requests"

# ------------------------------------------------------------------ two replicas, hand-over on SIGTERM
run_replica replica-b
held_by replica-a || fail "the Lease moved to $(holder) when replica-b started"
for r in replica-a replica-b; do
  read -r code body < <(call "$r" "$KUBE_TOKEN_ALICE" /auth)
  [[ "$code" == 200 ]] || fail "$r: $code $body"
done
log "both replicas serve; Lease held by $(holder)"

# B answers throughout A's shutdown (every 0.2 s, bounded by the shutdown's length)
( for _ in $(seq 1 150); do
    [[ -f "$WORK/stop-probing" ]] && break
    curl -s --cacert "$WORK/tls/tls.crt" -H "Authorization: Bearer $KUBE_TOKEN_ALICE" -o /dev/null -w '%{http_code}\n' \
      "https://127.0.0.1:${PORT[replica-b]}/connectors/v1alpha1/default/static/path/auth" || echo 000
    sleep 0.2
  done >"$WORK/b-codes" ) &
PROBE=$!
# A slow request in flight at A when it gets SIGTERM
curl -s --cacert "$WORK/tls/tls.crt" -H "Authorization: Bearer $KUBE_TOKEN_ALICE" -o "$WORK/slow.out" \
  -w '%{http_code}' "https://127.0.0.1:${PORT[replica-a]}/connectors/v1alpha1/default/static/path/slow.bin" \
  >"$WORK/slow.code" 2>/dev/null &
SLOW=$!
sleep 1
t0=$(date +%s%N)
podman stop -t 30 replica-a >/dev/null # SIGTERM, SIGKILL only after 30 s (terminationGracePeriodSeconds)
stop_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
wait "$SLOW" || true
slow_code=$(cat "$WORK/slow.code"); slow_bytes=$(stat -c %s "$WORK/slow.out" 2>/dev/null || echo 0)
exit_code=$(podman inspect --format '{{.State.ExitCode}}' replica-a)
log "SIGTERM to replica-a: stopped in ${stop_ms} ms, exit code ${exit_code}; the request in flight got ${slow_code} with ${slow_bytes} of 3072 bytes"
[[ "$slow_code" == 200 && "$slow_bytes" == 3072 ]] || fail "the in-flight request was not completed"
a_log="$(podman logs replica-a 2>&1)"
grep -q "released lease connectors-system/$LEASE" <<<"$a_log" || fail "replica-a did not log the release of its Lease"
wait_for "$LEASE_SECONDS" "replica-b takes the Lease after replica-a's SIGTERM" held_by replica-b
takeover_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
log "Lease held by $(holder) ${takeover_ms} ms after SIGTERM to replica-a (lease duration ${LEASE_SECONDS} s)"
touch "$WORK/stop-probing"; wait "$PROBE" || true
log "replica-b during the hand-over: $(sort "$WORK/b-codes" | uniq -c | tr -s ' \n' ' ')"
grep -qv '^200$' "$WORK/b-codes" && fail "replica-b answered other than 200 during the hand-over"
K apply -f - >/dev/null <<EOF
apiVersion: connectors.alauda.io/v1alpha1
kind: Connector
metadata: {name: static2, namespace: default}
spec: {connectorClassName: static, address: "$TOOL", auth: {name: token, secretRef: {name: static-token}}}
EOF
wait_for 30 "replica-b writes status.api of a new Connector" has_status_api static2
log "replica-b wrote status.api.path=$(status_api_of static2) of the new Connector default/static2"

# ------------------------------------------------------------------ hand-over without release (killed)
run_replica replica-c
held_by replica-b || fail "the Lease moved to $(holder) when replica-c started"
t0=$(date +%s%N)
podman kill -s KILL replica-b >/dev/null
last_renew=$(K -n connectors-system get lease "$LEASE" -o 'jsonpath={.spec.renewTime}')
wait_for $((LEASE_SECONDS + 10)) "replica-c takes the Lease after replica-b was killed" held_by replica-c
kill_takeover_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
acquired=$(K -n connectors-system get lease "$LEASE" -o 'jsonpath={.spec.acquireTime}')
expired_for_ms=$(( ($(date -d "$acquired" +%s%N) - $(date -d "$last_renew" +%s%N)) / 1000000 - LEASE_SECONDS * 1000 ))
log "replica-b killed (SIGKILL, Lease not released): replica-c holds it ${kill_takeover_ms} ms later; acquired ${expired_for_ms} ms after the lease of replica-b's last renewal ($last_renew) expired"
# contenders retry every 2 s (StatusWriter.RETRY_PERIOD) plus up to 1.2 times that as jitter (fabric8,
# as client-go): 4.4 s at most, with some slack for an API server on a loaded machine
((expired_for_ms <= 6000)) || fail "replica-c took the Lease ${expired_for_ms} ms after it expired"
read -r code body < <(call replica-c "$KUBE_TOKEN_ALICE" /auth)
[[ "$code" == 200 ]] || fail "replica-c: $code $body"
K -n default delete connector static2 >/dev/null
K apply -f - >/dev/null <<EOF
apiVersion: connectors.alauda.io/v1alpha1
kind: Connector
metadata: {name: static3, namespace: default}
spec: {connectorClassName: static, address: "$TOOL", auth: {name: token, secretRef: {name: static-token}}}
EOF
wait_for 30 "replica-c writes status.api of a new Connector" has_status_api static3
no_forbidden

# ------------------------------------------------------------------ the README's install section
# 1. build and push (to a Debian docker-registry on loopback), 2. set the image, 3. apply: here a
# server-side dry run on the real API server (no kubelet to run the pods), on a copy of the
# kustomization so the repository is not edited.
"$HERE/registry-tools.sh" >/dev/null
REG_PORT=$(free_port)
mkdir -p "$WORK/registry/storage"
cat >"$WORK/registry/config.yml" <<EOF
version: 0.1
log: {level: warn}
storage: {filesystem: {rootdirectory: $WORK/registry/storage}}
http: {addr: 127.0.0.1:$REG_PORT, secret: image-test}
EOF
docker-registry serve "$WORK/registry/config.yml" >"$WORK/registry/registry.log" 2>&1 &
STACK_PIDS+=("$!")
wait_for 30 "docker-registry on 127.0.0.1:$REG_PORT" curl -sf "http://127.0.0.1:$REG_PORT/v2/" -o /dev/null
t0=$(date +%s%N)
variant=()
[[ "$IMAGE" == *-native ]] && variant=(--native)   # push the same kind of image as the one under test
PUSHED="$("$HERE/image.sh" "${variant[@]}" --push "127.0.0.1:$REG_PORT/platform" | tail -n1)"
push_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[[ "$PUSHED" == "127.0.0.1:$REG_PORT/platform/connectors-api:${IMAGE##*:}" ]] || fail "image.sh --push printed '$PUSHED'"
pushed_digest=$(skopeo inspect --tls-verify=false --format '{{.Digest}}' "docker://$PUSHED")
log "scripts/image.sh --push: $PUSHED ($pushed_digest) in ${push_ms} ms"
cp -r src/main/kubernetes "$WORK/kustomize"
if command -v kustomize >/dev/null; then
  (cd "$WORK/kustomize" && kustomize edit set image "connectors-api=$PUSHED")
else # what `kustomize edit set image` writes: the images entry's newName and newTag
  sed -i -E "s|^(    newName: ).*|\1${PUSHED%:*}|; s|^(    newTag: ).*|\1${PUSHED##*:}|" "$WORK/kustomize/kustomization.yaml"
fi
"$KUBECTL" kustomize "$WORK/kustomize" >"$WORK/install-pushed.yaml"
grep -q "image: $PUSHED\$" "$WORK/install-pushed.yaml" || fail "the Deployment does not name $PUSHED"
grep -qx policy/v1 <<<"$API_VERSIONS" || sed -i 's|^apiVersion: policy/v1$|apiVersion: policy/v1beta1|' "$WORK/install-pushed.yaml"
K apply --dry-run=server -f "$WORK/install-pushed.yaml" >"$WORK/dry-run.out" || fail "server-side dry run: $(tail -3 "$WORK/dry-run.out")"
log "kubectl apply -k (image set to $PUSHED) passes a server-side dry run: $(grep -c . "$WORK/dry-run.out") objects"

log "SUMMARY image=$IMAGE size_mb=$((size / 1000000)) heap_mib_at_512mi=$heap ready_ms=${READY_MS[replica-a]},${READY_MS[replica-b]},${READY_MS[replica-c]} rss_mb=$RSS_A,$(rss_mb replica-c) sigterm_stop_ms=$stop_ms sigterm_takeover_ms=$takeover_ms sigkill_takeover_ms=$kill_takeover_ms after_expiry_ms=$expired_for_ms push_ms=$push_ms"
log "OK"
exit 0
}
