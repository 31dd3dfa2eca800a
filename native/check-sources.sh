#!/usr/bin/env bash
# Checks the output of the sources-only native build (CI has no GraalVM):
#   ./mvnw -B package -Pnative -Dquarkus.native.sources-only=true -DskipTests
# target/native-sources/ must hold the native-image arguments and the runner jar, and the jar's
# reflection configuration must register the classes that are only reached by reflection.
set -euo pipefail
cd "$(dirname "$0")/.."
sources=target/native-sources
args="$sources/native-image.args"
[[ -s "$args" ]] || { echo "missing $args" >&2; exit 1; }
jar=$(ls "$sources"/*-runner.jar 2>/dev/null | head -1)
[[ -n "$jar" ]] || { echo "missing the runner jar in $sources" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && jar xf "$OLDPWD/$jar" META-INF/native-image/reflect-config.json)
config="$work/META-INF/native-image/reflect-config.json"
missing=0
# Every class of io.connectors.api.model (Jackson and fabric8 bind them reflectively) ...
for class in $(cd src/main/java && find io/connectors/api/model -name '*.java' | sed 's/\.java$//; s#/#.#g'); do
  grep -q "\"$class\"" "$config" || { echo "not registered for reflection: $class" >&2; missing=1; }
done
# ... and the Caffeine cache classes of io.connectors.api.NativeHints.
for class in $(grep -o '"com\.github\.benmanes\.caffeine\.cache\.[A-Z]*"' src/main/java/io/connectors/api/NativeHints.java); do
  grep -q "$class" "$config" || { echo "not registered for reflection: $class" >&2; missing=1; }
done
[[ $missing == 0 ]] || exit 1
echo "native sources ok: GraalVM $(cat "$sources/graalvm.version" 2>/dev/null), $(wc -w < "$args") native-image arguments, $jar"
