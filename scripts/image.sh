#!/usr/bin/env bash
# image.sh - build the connectors-api container image with podman.
#
# Usage:
#   scripts/image.sh [--native] [--base IMAGE] [--push REGISTRY]
#
#   (default)        the JVM image: src/main/docker/Dockerfile.jvm over target/quarkus-app (built
#                    with ./mvnw package -DskipTests when missing or older than src/main/java,
#                    src/main/resources or pom.xml)
#   --native         the native image: src/main/docker/Dockerfile.native over target/*-runner (the
#                    native executable, built beforehand: see native/README.md); tag suffix -native
#   --base IMAGE     the base to build on (a release pipeline's standard base; the JVM image needs
#                    `java` on PATH, e.g. docker.io/library/eclipse-temurin:17-jre). Pulled; when it
#                    cannot be pulled, or without --base, the base made here from Debian packages
#                    (src/main/docker/Dockerfile.base over an mmdebstrap minbase) is used.
#   --push REGISTRY  then push to REGISTRY/connectors-api:<tag> (REGISTRY: host[:port][/path]; TLS is
#                    not verified for localhost and 127.0.0.1 registries only)
#
# Tags localhost/connectors-api:<project version>[-native]; the last stdout line is that reference,
# or the pushed one with --push. Installs and configures Debian's podman when it is missing (root).
# Log lines go to stderr.
set -euo pipefail
{

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

log() { printf '[image] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

NATIVE=0 BASE="" PUSH=""
while (($#)); do
  case "$1" in
    --native) NATIVE=1 ;;
    --base) BASE="${2:?--base needs an image}"; shift ;;
    --push) PUSH="${2:?--push needs a registry}"; shift ;;
    -h|--help) sed -n '2,21p' "$0" >&2; exit 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
  shift
done

LOCAL_BASE=localhost/connectors-api-base # :jre (JVM image), :runtime (native image)
DEBIAN_ROOTFS=localhost/connectors-api-debian:bookworm
CONTAINERS_CONF=/etc/containers/containers.conf

# ---------------------------------------------------------------- podman
# Debian's podman 4.3 with the two settings these machines need: the hard open-file limit is
# 20000 without CAP_SYS_RESOURCE (podman's default nofile of 1048576 cannot be set), and crun
# refuses the hybrid cgroup layout where runc works.
ensure_podman() {
  if ! command -v podman >/dev/null 2>&1 || ! command -v mmdebstrap >/dev/null 2>&1; then
    [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1 \
      || die "podman or mmdebstrap missing, and apt-get as root is not available to install them"
    log "installing podman and mmdebstrap (Debian packages)"
    export DEBIAN_FRONTEND=noninteractive
    local pkgs=(podman runc buildah skopeo umoci fuse-overlayfs uidmap slirp4netns
      containernetworking-plugins catatonit conmon iptables mmdebstrap)
    apt-get -o DPkg::Lock::Timeout=900 install -y --no-install-recommends "${pkgs[@]}" >&2 || {
      apt-get -o DPkg::Lock::Timeout=900 update >&2
      apt-get -o DPkg::Lock::Timeout=900 install -y --no-install-recommends "${pkgs[@]}" >&2
    }
  fi
  if [[ ! -f "$CONTAINERS_CONF" ]] || ! grep -q '^default_ulimits' "$CONTAINERS_CONF"; then
    if [[ -f "$CONTAINERS_CONF" ]] && grep -q '^\[containers\]\|^\[engine\]' "$CONTAINERS_CONF"; then
      die "$CONTAINERS_CONF has settings of its own: add default_ulimits = [\"nofile=20000:20000\", \"nproc=32768:32768\"] and runtime = \"runc\" yourself"
    fi
    [[ -w /etc ]] || die "cannot write $CONTAINERS_CONF (run as root once)"
    log "writing $CONTAINERS_CONF (open-file and process limits this machine allows; runc)"
    mkdir -p "$(dirname "$CONTAINERS_CONF")"
    cat >>"$CONTAINERS_CONF" <<'EOF'
# written by connectors-api scripts/image.sh: podman's default nofile (1048576) is above this
# machine's hard limit, and crun refuses its cgroup layout.
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
runtime = "runc"
EOF
  fi
}

# ---------------------------------------------------------------- base image
apt_sources() { # the machine's Debian mirror lines, for mmdebstrap (deb822 or one-line format)
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f "$f" ]] || continue
    # one "deb URI SUITE COMPONENTS" line per suite of each deb822 stanza
    awk '/^Types:/{t=$2} /^URIs:/{u=$2} /^Suites:/{s=$0; sub(/^Suites:[ \t]*/, "", s)}
         /^Components:/{c=$0; sub(/^Components:[ \t]*/, "", c)}
         /^$/{out()} END{out()}
         function out(  n, i, a) { if (t == "deb" && u != "") { n = split(s, a, " "); for (i = 1; i <= n; i++) print "deb " u " " a[i] " " c } t = u = s = c = "" }' "$f" \
      | grep -E '^deb [^ ]+ bookworm(-updates|-security)? ' || true
  done
  grep -hE '^deb .* bookworm' /etc/apt/sources.list 2>/dev/null || true
}

make_local_base() {
  if ! podman image exists "$DEBIAN_ROOTFS"; then
    local tmp lines=()
    tmp="$(mktemp -d)"
    mapfile -t lines < <(apt_sources | sed 's/  */ /g' | sort -u)
    ((${#lines[@]})) || lines=("deb http://deb.debian.org/debian bookworm main")
    log "making a Debian bookworm minbase with mmdebstrap (${lines[*]})"
    # minbase: Essential packages and apt; the runtime layer of Dockerfile.base adds the JRE.
    mmdebstrap --quiet --variant=minbase --include=ca-certificates bookworm "$tmp/rootfs.tar" \
      "${lines[@]}" >&2 || { rm -rf "$tmp"; die "mmdebstrap failed"; }
    podman import --change 'CMD ["/bin/bash"]' "$tmp/rootfs.tar" "$DEBIAN_ROOTFS" >&2
    rm -rf "$tmp"
  fi
  local target
  for target in jre runtime; do
    podman image exists "$LOCAL_BASE:$target" && continue
    log "building $LOCAL_BASE:$target (src/main/docker/Dockerfile.base)"
    podman build --network host --build-arg DEBIAN="$DEBIAN_ROOTFS" --target "$target" \
      -f src/main/docker/Dockerfile.base -t "$LOCAL_BASE:$target" src/main/docker >&2
  done
}

pick_base() { # pick_base jre|runtime: sets BASE
  if [[ -n "$BASE" ]]; then
    if podman image exists "$BASE" || podman pull -q "$BASE" >&2; then
      return
    fi
    log "cannot pull $BASE: using the base made here instead"
  fi
  make_local_base
  BASE="$LOCAL_BASE:$1"
}

# ---------------------------------------------------------------- application
project_version() { # the project's own <version> (the first one outside <parent>)
  awk '/<parent>/{p=1} /<\/parent>/{p=0; next} !p && /<version>/{gsub(/.*<version>|<\/version>.*/, ""); print; exit}' pom.xml
}

ensure_fast_jar() {
  local jar=target/quarkus-app/quarkus-run.jar
  if [[ -f "$jar" ]] && [[ -z "$(find src/main/java src/main/resources pom.xml -newer "$jar" -print -quit)" ]]; then
    return
  fi
  log "packaging the application (./mvnw package -DskipTests)"
  ./mvnw -B -ntp package -DskipTests >&2
}

# ---------------------------------------------------------------- main
ensure_podman
VERSION="$(project_version)"
[[ -n "$VERSION" ]] || die "no <version> in pom.xml"
start=$SECONDS
if ((NATIVE)); then
  shopt -s nullglob
  runners=(target/*-runner)
  ((${#runners[@]} == 1)) || die "expected one native executable target/*-runner, found ${#runners[@]} (build it first: native/README.md)"
  TAG="$VERSION-native"
  DOCKERFILE=src/main/docker/Dockerfile.native
  pick_base runtime
  EXTRA=(--build-arg "RUNNER=${runners[0]}")
else
  TAG="$VERSION"
  DOCKERFILE=src/main/docker/Dockerfile.jvm
  pick_base jre
  ensure_fast_jar
  EXTRA=()
fi
REF="localhost/connectors-api:$TAG"
log "building $REF from $DOCKERFILE on $BASE"
podman build --network host --build-arg BASE="$BASE" "${EXTRA[@]}" -f "$DOCKERFILE" -t "$REF" . >&2
size="$(podman image inspect --format '{{.Size}}' "$REF")"
log "built $REF in $((SECONDS - start)) s: $((size / 1000000)) MB ($size bytes)"

if [[ -n "$PUSH" ]]; then
  target="${PUSH%/}/connectors-api:$TAG"
  tls=()
  case "$PUSH" in localhost|localhost:*|localhost/*|127.0.0.1|127.0.0.1:*|127.0.0.1/*) tls=(--tls-verify=false) ;; esac
  log "pushing $target"
  podman push -q "${tls[@]}" "$REF" "docker://$target" >&2
  REF="$target"
fi
printf '%s\n' "$REF"
exit
}
