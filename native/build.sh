#!/usr/bin/env bash
# native/build.sh [GRAALVM_HOME] - builds the native executable target/<artifact>-runner with the
# native-image of GRAALVM_HOME (argument, or the environment variable), in two steps:
#
#   1. ./mvnw package -Pnative -Dquarkus.native.sources-only=true   the whole Quarkus native build up
#      to native-image: target/native-sources/ (native-image.args, the runner jar, lib/), checked by
#      native/check-sources.sh;
#   2. native-image $(cat native-image.args) in that folder, then the executable is moved to target/.
#
# Why not the one step `./mvnw package -Pnative -Dquarkus.native.graalvm-home=…`: Quarkus 3.34 first
# runs `native-image --version` and reads the GraalVM version from the vendor version of its second
# line, which a GraalVM CE release prints as `GraalVM CE 25.0.1+8.1` (Quarkus cuts at the '+'). The
# launcher of the toolchain these machines build with (GraalVM 25.0.4's builder on Temurin, without
# GraalVM's own driver) prints `GraalVM CE 25.0.4 (nativetc)`, and Quarkus fails with "Failed to get
# GraalVM version" (StringIndexOutOfBoundsException in GraalVM$VersionParseHelper.graalVersion)
# before it builds anything. The arguments Quarkus writes are the same in both ways: with a
# GraalVM or Mandrel release the one-step build works as well (native/README.md).
#
# Environment: NATIVE_IMAGE_XMX (the builder's heap, default 6g: it peaks at about 6.3 GB RSS),
# NATIVE_IMAGE_ARGS (extra native-image options for an experiment, e.g. "-march=compatibility";
# the project's own options are quarkus.native.additional-build-args in application.properties).
# Prints the build time, the builder's peak RSS and the executable's size.
set -euo pipefail
cd "$(dirname "$0")/.."
log() { printf '[native %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
graalvm_home=${1:-${GRAALVM_HOME:-}}
[[ -n "$graalvm_home" && -x "$graalvm_home/bin/native-image" ]] \
  || { log "no native-image: pass GRAALVM_HOME (a GraalVM/Mandrel 25 home, or ../shared/toolchain/install.sh's output)"; exit 2; }

start=$(date +%s)
log "native sources: ./mvnw package -Pnative -Dquarkus.native.sources-only=true"
./mvnw -B -ntp -q package -Pnative -Dquarkus.native.sources-only=true -DskipTests
native/check-sources.sh

sources=target/native-sources
jar=$(basename "$(ls "$sources"/*-runner.jar)")
name=${jar%.jar}
rm -f "target/$name" "$sources/$name"
log "native-image (GraalVM $("$graalvm_home/bin/native-image" --version | head -1 | cut -d' ' -f2)), builder heap ${NATIVE_IMAGE_XMX:-6g}"
timing=()
[[ -x /usr/bin/time ]] && timing=(/usr/bin/time -f '%M' -o "$PWD/target/native-image.maxrss")
# shellcheck disable=SC2046,SC2086 # native-image.args is one line of separate arguments, as Quarkus writes it
(cd "$sources" && "${timing[@]}" "$graalvm_home/bin/native-image" -J-Xmx"${NATIVE_IMAGE_XMX:-6g}" \
  $(cat native-image.args) ${NATIVE_IMAGE_ARGS:-}) > target/native-image.log 2>&1 \
  || { tail -60 target/native-image.log >&2; log "native-image failed; the whole output is target/native-image.log"; exit 1; }
mv "$sources/$name" "target/$name"
elapsed=$(( $(date +%s) - start ))
peak=""
[[ -s target/native-image.maxrss ]] && peak=", builder peak RSS $(awk '{printf "%.1f GB", $1 / 1e6}' target/native-image.maxrss)"
log "target/$name: $(stat -c %s "target/$name" | awk '{printf "%.1f", $1 / 1e6}') MB, built in $((elapsed / 60)) min $((elapsed % 60)) s$peak"
