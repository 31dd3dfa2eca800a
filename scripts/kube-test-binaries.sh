#!/usr/bin/env bash
# kube-test-binaries.sh - make kube-apiserver, etcd and kubectl (Kubernetes 1.20.2)
# available in ONE cache directory and print that directory on the LAST stdout line.
#
# Usage:   scripts/kube-test-binaries.sh
#          BIN_DIR="$(scripts/kube-test-binaries.sh | tail -n1)"
#
# Cache:   ${KUBE_TEST_BIN_DIR:-$HOME/.cache/connectors-api/k8s-1.20.2}
#          holding kube-apiserver (v1.20.2), kubectl (v1.20.2) and etcd (3.4.x).
#          It also links $HOME/.kubeapitest/k8s/1.20.2-linux-amd64/{kube-apiserver,etcd,kubectl}
#          to the cache (the offline layout of fabric8 io.fabric8:kube-api-test; set
#          KUBE_API_TEST_OFFLINE_MODE=true there), unless those already exist as real files.
#
# Where the binaries come from (first that works):
#   1. the cache itself (fast path, well under a second, no root, no network);
#   2. real files in $HOME/.kubeapitest/k8s/1.20.2-linux-amd64/ (hard-linked/copied in);
#   3. the Debian archive (needs root or passwordless sudo, Debian bookworm):
#      - etcd:  package etcd-server (/usr/bin/etcd, 3.4.23), copied into the cache;
#      - kube-apiserver and kubectl: built (~10-15 min on 2 cores, ~2 GB scratch in
#        ${TMPDIR:-/tmp}) from Debian's `kubernetes` source package 1.20.5+really1.20.2
#        with deb-src enabled, the vendored github.com/modern-go/reflect2 1.0.1 replaced by
#        Debian's 1.0.2 (1.0.1 panics under Go >= 1.18), and
#        `GOPROXY=off CGO_ENABLED=0 make WHAT="cmd/kube-apiserver cmd/kubectl"`.
#        kubectl is built from the same patched tree on purpose: Debian's binary package
#        kubernetes-client carries the unpatched reflect2 1.0.1 compiled with Go 1.19, and
#        on some machines /usr/bin/kubectl belongs to another (newer) kubectl package.
#
# Exit codes: 0 ok (last stdout line = cache dir); 3 nothing usable is cached and the
#   Debian archive is not reachable / not usable (not root, no apt): then fabric8
#   kube-api-test will try to download the binaries itself (when not in offline mode);
#   other non-zero: a real failure (build error, ...). Progress goes to stderr.
#
# Safe to run twice and concurrently (flock on $CACHE/.lock); works without a tty/stdin
# (CI=true, called from Java).
set -euo pipefail
# The whole script is one { ... } block, so bash parses it completely before running it
# (editing the file while it runs, e.g. during a long build, cannot derail it).
{

K8S_VERSION=1.20.2
CACHE="${KUBE_TEST_BIN_DIR:-$HOME/.cache/connectors-api/k8s-$K8S_VERSION}"
KAT_DIR="${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}/k8s/$K8S_VERSION-linux-amd64"
BINS=(kube-apiserver etcd kubectl)

log() { printf '[kube-test-binaries] %s\n' "$*" >&2; }
die() { local rc="$1"; shift; log "ERROR: $*"; exit "$rc"; }

all_cached() {
  local b
  for b in "${BINS[@]}"; do [[ -f "$CACHE/$b" && -x "$CACHE/$b" ]] || return 1; done
}

# Link ~/.kubeapitest/k8s/1.20.2-linux-amd64/* to the cache unless real files are there.
link_kubeapitest() {
  local b dst tmp
  mkdir -p "$KAT_DIR" 2>/dev/null || { log "warning: cannot create $KAT_DIR"; return 0; }
  for b in "${BINS[@]}"; do
    dst="$KAT_DIR/$b"
    if [[ -L "$dst" ]]; then
      [[ "$(readlink "$dst")" == "$CACHE/$b" ]] && continue
    elif [[ -e "$dst" ]]; then
      continue # a real file: leave it alone
    fi
    tmp="$dst.tmp.$$"
    ln -sfn "$CACHE/$b" "$tmp" && mv -fT "$tmp" "$dst" || { rm -f "$tmp"; log "warning: cannot link $dst"; }
  done
}

# ---------- fast path: no lock, no subprocess beyond test ----------
if all_cached; then
  link_kubeapitest
  printf '%s\n' "$CACHE"
  exit 0
fi

mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
if ! flock -n 9; then
  log "another run holds $CACHE/.lock (probably building); waiting for it ..."
  flock -w 3600 9 || die 1 "timed out waiting for $CACHE/.lock"
fi
if all_cached; then
  link_kubeapitest
  printf '%s\n' "$CACHE"
  exit 0
fi

# ---------- helpers ----------
SCRATCH=""
cleanup() {
  if [[ -n "$SCRATCH" && -d "$SCRATCH" ]]; then
    log "removing scratch dir $SCRATCH"
    chmod -R u+w "$SCRATCH" 2>/dev/null || true
    rm -rf "$SCRATCH"
  fi
  rm -f "$CACHE"/.*.tmp.* 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

version_ok() { # version_ok NAME FILE
  local out
  case "$1" in
    kube-apiserver) out="$("$2" --version 2>&1 </dev/null)" || return 1
                    [[ "$out" == *"v$K8S_VERSION"* ]] ;;
    kubectl)        out="$("$2" version --client 2>&1 </dev/null)" || return 1
                    [[ "$out" == *'GitVersion:"v1.20.'* || "$out" == *"Client Version: v1.20."* ]] ;;
    etcd)           out="$("$2" --version 2>&1 </dev/null)" || return 1
                    [[ "$out" == *"etcd Version: 3.4."* || "$out" == *"etcd Version: 3.5."* ]] ;;
  esac
}

# install_bin NAME SRC: atomically put SRC into the cache (hard link if possible, else copy)
install_bin() {
  local tmp="$CACHE/.$1.tmp.$$"
  rm -f "$tmp"
  # a hard link shares the inode with SRC: leave its mode alone; a copy gets 0755
  ln "$2" "$tmp" 2>/dev/null || { cp -f "$2" "$tmp" && chmod 0755 "$tmp"; }
  mv -f "$tmp" "$CACHE/$1"
  log "cached $1 <- $2"
}

missing() { local b; for b in "${BINS[@]}"; do [[ -x "$CACHE/$b" ]] || printf '%s\n' "$b"; done; }

# ---------- 2. reuse real files from ~/.kubeapitest ----------
for b in $(missing); do
  src="$KAT_DIR/$b"
  if [[ -f "$src" && ! -L "$src" && -x "$src" ]] && version_ok "$b" "$src"; then
    install_bin "$b" "$src"
  fi
done

# etcd already installed from Debian? (no network needed)
if [[ ! -x "$CACHE/etcd" && -x /usr/bin/etcd ]] && version_ok etcd /usr/bin/etcd; then
  install_bin etcd /usr/bin/etcd
fi

if all_cached; then
  link_kubeapitest
  printf '%s\n' "$CACHE"
  exit 0
fi

# ---------- 3. Debian archive ----------
no_archive() {
  log "$*"
  log "Missing in $CACHE: $(missing | tr '\n' ' ')"
  log "Cannot obtain Kubernetes $K8S_VERSION test binaries from the Debian archive."
  log "fabric8 kube-api-test will try its own download of kube-apiserver/etcd/kubectl"
  log "(only when not in offline mode and the internet is reachable)."
  exit 3
}

SUDO=()
if [[ $EUID -ne 0 ]]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO=(sudo -n); else
    no_archive "not root and no passwordless sudo: cannot use apt-get"; fi
fi
command -v apt-get >/dev/null || no_archive "apt-get not found (not a Debian machine?)"

export DEBIAN_FRONTEND=noninteractive
APT=("${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -y -o Dpkg::Use-Pty=0)

# Make sure deb-src entries exist for the Debian archive (same URI/suites as the deb entries).
ensure_deb_src() {
  if [[ "${1:-}" != force ]] && grep -rqsE '^[[:space:]]*(Types:.*deb-src|deb-src[[:space:]])' /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null; then
    return 0
  fi
  local codename uri keyring f=/etc/apt/sources.list.d/connectors-api-deb-src.sources
  codename="$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")"
  uri="$(grep -hE '^[[:space:]]*URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null \
          | awk '{print $2}' | grep -E '/debian/?$' | head -n1 || true)"
  [[ -n "$uri" ]] || uri="$(grep -hE '^[[:space:]]*deb[[:space:]]' /etc/apt/sources.list 2>/dev/null \
          | grep -oE 'https?://[^ ]+/debian/?( |$)' | head -n1 | tr -d ' ' || true)"
  [[ -n "$uri" ]] || uri="http://deb.debian.org/debian"
  keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  log "enabling Debian source packages: $f ($uri $codename $codename-updates main)"
  { printf 'Types: deb-src\nURIs: %s\nSuites: %s %s-updates\nComponents: main\n' "$uri" "$codename" "$codename"
    [[ -f "$keyring" ]] && printf 'Signed-By: %s\n' "$keyring"
  } | "${SUDO[@]}" tee "$f" >/dev/null
}

need_build=()
[[ -x "$CACHE/kube-apiserver" ]] || need_build+=(cmd/kube-apiserver)
[[ -x "$CACHE/kubectl" ]] || need_build+=(cmd/kubectl)

pkgs=(etcd-server)
if ((${#need_build[@]})); then
  pkgs+=(golang-go rsync jq golang-github-modern-go-reflect2-dev dpkg-dev make xz-utils)
  ensure_deb_src
fi

# install only what is missing (do not upgrade packages already installed, e.g. dpkg-dev)
is_installed() { [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" == installed ]]; }
to_install=()
for p in "${pkgs[@]}"; do is_installed "$p" || to_install+=("$p"); done

log "apt-get update ..."
"${APT[@]}" update </dev/null >&2 || no_archive "apt-get update failed: the Debian archive is not reachable"
if ((${#need_build[@]})) && [[ -z "$(apt-cache showsrc kubernetes 2>/dev/null </dev/null | head -n1)" ]]; then
  ensure_deb_src force
  "${APT[@]}" update </dev/null >&2 || no_archive "apt-get update failed: the Debian archive is not reachable"
  [[ -n "$(apt-cache showsrc kubernetes 2>/dev/null </dev/null | head -n1)" ]] \
    || no_archive "no source package 'kubernetes' in the configured Debian archive"
fi
if ((${#to_install[@]})); then
  log "apt-get install ${to_install[*]} ..."
  "${APT[@]}" install --no-install-recommends "${to_install[@]}" </dev/null >&2 \
    || no_archive "apt-get install ${to_install[*]} failed"
fi

if [[ ! -x "$CACHE/etcd" ]]; then
  version_ok etcd /usr/bin/etcd || die 1 "/usr/bin/etcd from etcd-server is not a usable etcd 3.4/3.5"
  install_bin etcd /usr/bin/etcd
fi

if ((${#need_build[@]})); then
  SCRATCH="$(mktemp -d "${TMPDIR:-/tmp}/kube-build.XXXXXX")"
  log "downloading Debian source package 'kubernetes' into $SCRATCH ..."
  (cd "$SCRATCH" && "${APT[@]}" -o APT::Sandbox::User=root source kubernetes </dev/null >&2) \
    || no_archive "apt-get source kubernetes failed"
  src="$(find "$SCRATCH" -mindepth 1 -maxdepth 1 -type d -name 'kubernetes-*' | head -n1)"
  [[ -n "$src" && -d "$src/vendor" ]] || die 1 "unpacked kubernetes source tree not found in $SCRATCH"
  log "source tree: $src"

  # Required fix: vendored reflect2 1.0.1 panics under Go >= 1.18; use Debian's 1.0.2.
  r2_new=/usr/share/gocode/src/github.com/modern-go/reflect2
  r2_old="$src/vendor/github.com/modern-go/reflect2"
  [[ -d "$r2_new" && -d "$r2_old" ]] || die 1 "reflect2 directories not found ($r2_new, $r2_old)"
  find "$r2_old" -maxdepth 1 -type f \( -name '*.go' -o -name '*.s' \) -delete
  find -L "$r2_new" -maxdepth 1 -type f \( -name '*.go' -o -name '*.s' \) ! -name '*_test.go' \
    -exec cp -f {} "$r2_old/" \;
  log "replaced vendored reflect2 with Debian's $(dpkg-query -W -f='${Version}' golang-github-modern-go-reflect2-dev 2>/dev/null || echo 1.0.2)"

  log "building ${need_build[*]} (GOPROXY=off CGO_ENABLED=0 make; ~4-15 min on 2 cores) ..."
  start=$SECONDS
  (
    cd "$src"
    unset GOFLAGS GO111MODULE GOPATH GOROOT
    export GOPROXY=off CGO_ENABLED=0 GOCACHE="$SCRATCH/gocache" GOTOOLCHAIN=local
    export HOME="$SCRATCH/home"; mkdir -p "$HOME"
    make WHAT="${need_build[*]}" </dev/null >&2
  ) || die 1 "kubernetes build failed"
  log "build finished in $((SECONDS - start)) s"

  for t in "${need_build[@]}"; do
    b="${t#cmd/}"
    f="$src/_output/bin/$b"
    [[ -x "$f" ]] || die 1 "build did not produce $f"
    version_ok "$b" "$f" || die 1 "$f does not report Kubernetes v$K8S_VERSION"
    install_bin "$b" "$f"
  done
fi

all_cached || die 1 "still missing in $CACHE: $(missing | tr '\n' ' ')"
link_kubeapitest
log "kube-apiserver: $("$CACHE/kube-apiserver" --version 2>&1 | head -n1)"
log "etcd:           $("$CACHE/etcd" --version 2>&1 | head -n1)"
log "kubectl:        $("$CACHE/kubectl" version --client --short 2>/dev/null | head -n1 || true)"
printf '%s\n' "$CACHE"
exit
}
