#!/usr/bin/env bash
# verdaccio.sh - make a pinned Verdaccio (a private npm registry) available in a cache directory
# and print the path of its `verdaccio` binary on the LAST stdout line. Used by the npm
# end-to-end test (NpmInstallThroughGatewayIT) and by .ci/run.
#
# Usage:   scripts/verdaccio.sh
#          VERDACCIO="$(scripts/verdaccio.sh | tail -n1)"
#
# Cache:   ${VERDACCIO_CACHE_DIR:-$HOME/.cache/connectors-api/verdaccio-$VERSION}
# Version: 6.8.0, the newest Verdaccio whose engines still accept Node 20 (6.9+ want Node 22).
#
# Needs node >= 20 and npm, and the npm registry the machine's npm is configured for
# (~/.npmrc, NPM_CONFIG_REGISTRY). The cached install is reused without touching the network.
# Safe to run twice and concurrently (flock), needs no tty/stdin (CI=true, root is fine).
# Exit codes: 0 ok; 3 node/npm missing or too old; other non-zero: install failed.
# Progress goes to stderr.
set -euo pipefail
{

VERSION=6.8.0
CACHE="${VERDACCIO_CACHE_DIR:-$HOME/.cache/connectors-api/verdaccio-$VERSION}"
BIN="$CACHE/node_modules/.bin/verdaccio"

log() { printf '[verdaccio] %s\n' "$*" >&2; }
die() { local rc="$1"; shift; log "ERROR: $*"; exit "$rc"; }

# The marker is written only after a complete install, so a half-finished one is never reused.
installed() { [[ -x "$BIN" && "$(cat "$CACHE/.installed" 2>/dev/null)" == "$VERSION" ]]; }

if installed; then
  printf '%s\n' "$BIN"
  exit 0
fi

command -v node >/dev/null && command -v npm >/dev/null || die 3 "node and npm are needed"
major="$(node -p 'process.versions.node.split(".")[0]' </dev/null)"
((major >= 20)) || die 3 "node >= 20 is needed, found $(node -v </dev/null)"

mkdir -p "$(dirname "$CACHE")"
exec 9>"$CACHE.lock"
flock -w 900 9 || die 1 "timed out waiting for $CACHE.lock"
if installed; then
  printf '%s\n' "$BIN"
  exit 0
fi

# Install next to the cache and move it in whole: a crash leaves only a scratch dir behind.
SCRATCH="$(mktemp -d "$CACHE.tmp.XXXXXX")"
trap 'rm -rf "$SCRATCH"' EXIT
# verdaccio-audit asks for node-fetch by the dist-tag `cjs`; registry mirrors that keep only
# `latest` cannot resolve it, so pin what that tag points to (2.7.0) on every registry.
cat >"$SCRATCH/package.json" <<JSON
{
  "name": "connectors-api-verdaccio",
  "private": true,
  "dependencies": { "verdaccio": "$VERSION" },
  "overrides": { "verdaccio-audit": { "node-fetch": "2.7.0" } }
}
JSON
log "npm install verdaccio@$VERSION into $CACHE ..."
start=$SECONDS
# --ignore-scripts: Verdaccio needs no install scripts, and root under CI would otherwise need
# --unsafe-perm; --no-package-lock keeps the scratch dir to node_modules + package.json.
npm install --prefix "$SCRATCH" --no-audit --no-fund --no-update-notifier --ignore-scripts \
  --no-package-lock --omit=dev --loglevel=warn </dev/null >&2 \
  || die 1 "npm install verdaccio@$VERSION failed"
[[ -x "$SCRATCH/node_modules/.bin/verdaccio" ]] || die 1 "the install has no node_modules/.bin/verdaccio"
got="$("$SCRATCH/node_modules/.bin/verdaccio" --version </dev/null 2>/dev/null || true)"
[[ "$got" == *"$VERSION"* ]] || die 1 "verdaccio --version says '$got', expected $VERSION"
printf '%s\n' "$VERSION" >"$SCRATCH/.installed"
rm -rf "$CACHE"
mv -T "$SCRATCH" "$CACHE"
log "installed in $((SECONDS - start)) s"
printf '%s\n' "$BIN"
exit
}
