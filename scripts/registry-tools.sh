#!/usr/bin/env bash
# registry-tools.sh - make Debian's docker-registry (CNCF distribution 2.8) and skopeo available
# for the container-registry end-to-end test (RegistryThroughGatewayIT). Idempotent: does nothing
# when both are installed. Needs root (apt-get) only when something is missing.
#
# Usage:   scripts/registry-tools.sh
# Exit codes: 0 ok (both on PATH); 3 missing and apt-get unavailable or not root; other: install failed.
set -euo pipefail

log() { printf '[registry-tools] %s\n' "$*" >&2; }

missing=()
command -v docker-registry >/dev/null 2>&1 || [[ -x /usr/bin/docker-registry ]] || missing+=(docker-registry)
command -v skopeo >/dev/null 2>&1 || missing+=(skopeo)
if ((${#missing[@]} == 0)); then
  log "docker-registry and skopeo are installed"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1 || [[ "$(id -u)" != 0 ]]; then
  log "ERROR: ${missing[*]} missing, and apt-get as root is not available to install them"
  exit 3
fi
log "installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Other scripts may hold the dpkg lock: apt-get waits for it instead of failing.
apt_get() { apt-get -o DPkg::Lock::Timeout=900 "$@"; }
apt_get install -y --no-install-recommends "${missing[@]}" >&2 || {
  apt_get update >&2
  apt_get install -y --no-install-recommends "${missing[@]}" >&2
}
# The package starts a registry service on :5000 where an init system runs; the tests start their own.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet docker-registry 2>/dev/null; then
  systemctl stop docker-registry || true
  systemctl disable docker-registry >/dev/null 2>&1 || true
fi
command -v skopeo >/dev/null && [[ -x /usr/bin/docker-registry ]]
log "installed: $(skopeo --version)"
