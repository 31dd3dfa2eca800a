#!/usr/bin/env bash
# native/it.sh - the end-to-end tests of the packaged gateway run against the native executable that
# native/build.sh left in target/ (the same @QuarkusIntegrationTest classes that `./mvnw verify` runs
# against the jar; Quarkus starts the executable instead, with the same configuration). Needs the
# kube test binaries (scripts/kube-test-binaries.sh) and, for the registry test, scripts/registry-tools.sh.
#
#   native/it.sh                       the classes below, about 6 min on 2 cores
#   NATIVE_ITS=FaultsIT native/it.sh   others (any *IT of src/test/java/io/connectors/api/e2e)
#
# The classes cover what a native image can get wrong where the JVM does not (reflection, resources,
# class initialisation, TLS, the epoll transport, JSON binding), each on a real kube-apiserver:
#   ProjectCrdsIT          real TokenReviews and SubjectAccessReviews, proxy mode with each credential
#                          type, watches, feature flags, the status writer and its Lease, custom CAs,
#                          health and metrics on the management port
#   StreamsAndWebSocketIT  a WebSocket tunnel, 256 MiB up and down with the SHA-256 equal
#   ApiRefsIT              custom API mode, API refs of other kinds, a class API's own OpenAPI
#   NamespaceOpenApiIT     the aggregated OpenAPI documents (ETag, per-caller)
#   KubectlOverTlsIT       HTTPS only, certificate rotation, kubectl and its watch through the gateway
#   RegistryThroughGatewayIT  the container-registry route, its token flow, skopeo copy
#   ForwardProxyIT         the forward proxy: CONNECT with certificates issued on the fly (EC keys,
#                          BouncyCastle's certificate builder), curl, git and kubectl through it
# The other ITs (install manifests, RBAC variants, fault timings, npm/git clients) exercise the same
# code paths again and stay on the JVM run only, to keep this step short.
set -euo pipefail
cd "$(dirname "$0")/.."
runner=$(ls target/*-runner 2>/dev/null | head -1 || true)
[[ -x "$runner" ]] || { echo "native/it.sh: no native executable in target/: run native/build.sh first" >&2; exit 2; }
its=${NATIVE_ITS:-ProjectCrdsIT,StreamsAndWebSocketIT,ApiRefsIT,NamespaceOpenApiIT,KubectlOverTlsIT,RegistryThroughGatewayIT,ForwardProxyIT}
# The jar build of this invocation only gives Quarkus its artifact metadata; the artifact type and
# the executable's path are overridden (what `verify -Pnative` does when Quarkus runs native-image itself).
./mvnw -B -ntp verify -Dtest=skip -Dsurefire.failIfNoSpecifiedTests=false -Dit.test="$its" \
  -Dquarkus.test.integration-test-artifact-type=native -Dnative.image.path="$PWD/$runner"
