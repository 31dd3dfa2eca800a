#!/usr/bin/env bash
# client-tools.sh - what the real-client end-to-end test (ClientsThroughGatewayIT) runs: git, pip
# (python3 -m pip), Debian's Maven 3.8 (/usr/bin/mvn) beside the wrapper's 3.9, and the one Maven
# plugin the test calls (maven-dependency-plugin, with everything it needs) in ~/.m2, because the
# test's Maven has nothing but the gateway as its repository and the test's repository behind it
# serves ~/.m2's files. Idempotent; needs root (apt-get) only when a package is missing, and the
# network (Maven Central or its mirror) only the first time, to fill ~/.m2.
#
# Usage:   scripts/client-tools.sh
# Exit codes: 0 ok; 3 a package missing and apt-get as root not available; other: install failed.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[client-tools] %s\n' "$*" >&2; }

# Keep in step with ClientsThroughGatewayIT.DEPENDENCY_PLUGIN.
DEPENDENCY_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1

missing=()
command -v git >/dev/null 2>&1 || missing+=(git)
[[ -x /usr/bin/mvn ]] || missing+=(maven)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
python3 -m pip --version >/dev/null 2>&1 || missing+=(python3-pip)
if ((${#missing[@]} > 0)); then
  if ! command -v apt-get >/dev/null 2>&1 || [[ "$(id -u)" != 0 ]]; then
    log "ERROR: ${missing[*]} missing, and apt-get as root is not available to install them"
    exit 3
  fi
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt_get() { apt-get -o DPkg::Lock::Timeout=900 "$@"; }
  apt_get install -y --no-install-recommends "${missing[@]}" >&2 || {
    apt_get update >&2
    apt_get install -y --no-install-recommends "${missing[@]}" >&2
  }
fi

# Resolving the plugin (its help goal runs without a project) puts it and its dependencies in ~/.m2.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# Offline first: once it is there, nothing is asked of the network.
project=$PWD
(cd "$scratch" && "$project/mvnw" -B -ntp -o -q "$DEPENDENCY_PLUGIN:help" >/dev/null 2>&1) \
  || (cd "$scratch" && "$project/mvnw" -B -ntp -q "$DEPENDENCY_PLUGIN:help" >/dev/null)
log "git $(git --version | cut -d' ' -f3), $(python3 -m pip --version | cut -d' ' -f1-2),"\
" $(/usr/bin/mvn -v 2>/dev/null | head -1 | sed 's/\x1b\[[0-9;]*m//g'), $DEPENDENCY_PLUGIN in ~/.m2"
