package io.connectors.api.request;

import java.util.Optional;

/** Which of the gateway's routes a request path names (spec §3), parsed from its canonical form. */
public sealed interface GatewayRoute {

    /** The Connector the route is about, if any: its SAR comes before anything is looked up. */
    default Optional<ConnectorRef> connector() {
        return Optional.empty();
    }

    /** The part of the path that goes to the tool or custom API, for the routes that forward. */
    default Optional<String> apiPath() {
        return Optional.empty();
    }

    /** Whether the route forwards the request (and so needs the full resolve, route and forward stages). */
    default boolean forwards() {
        return apiPath().isPresent();
    }

    /** A namespaced Connector named in a path. */
    record ConnectorRef(String namespace, String name) {
    }

    /**
     * A route naming a Connector and the path that goes to its tool or custom API (the forward
     * proxy's, once its target chose the Connector): the Connector's SubjectAccessReview comes
     * before anything is looked up, then resolve, route and forward.
     */
    sealed interface ToConnector extends GatewayRoute permits ConnectorApi, ConnectorProxyPath, LegacyResource, Registry, ForwardProxy {

        String namespace();

        String name();

        /** Canonical: "" or starting with "/". */
        String canonicalApiPath();

        @Override
        default Optional<ConnectorRef> connector() {
            return Optional.of(new ConnectorRef(namespace(), name()));
        }

        @Override
        default Optional<String> apiPath() {
            return Optional.of(canonicalApiPath());
        }
    }

    /** {@code /connectors/version}. */
    record Version() implements GatewayRoute {
    }

    /** {@code /connectors/v1alpha1/{ns}/{name}/path{api-path}}: api-path canonical, "" or starting with "/". */
    record ConnectorApi(String namespace, String name, String canonicalApiPath) implements ToConnector {
    }

    /**
     * {@code /namespaces/{ns}/connectors/{name}{tool path}}: the upstream Connectors proxy's path form,
     * the address upstream clients read from {@code status.proxy.httpAddress.url}. Served exactly as
     * {@link ConnectorApi} (same stages, same forwarding), only spelt the upstream's way, so clients
     * configured from that field (git's {@code insteadOf}, pip's index, Maven's mirror) work unchanged.
     */
    record ConnectorProxyPath(String namespace, String name, String canonicalApiPath) implements ToConnector {
    }

    /**
     * {@code /connectors/v1alpha1/namespaces/{ns}/connectors/{name}/resources/{resource...}}: always the
     * custom API's {@code /{resource...}} (canonical, starting with "/").
     */
    record LegacyResource(String namespace, String name, String canonicalApiPath) implements ToConnector {
    }

    /** {@code /connectors/v1alpha1/{ns}/{name}/openapi}. */
    record ConnectorOpenApi(String namespace, String name) implements GatewayRoute {

        @Override
        public Optional<ConnectorRef> connector() {
            return Optional.of(new ConnectorRef(namespace, name));
        }
    }

    /**
     * {@code /connectors/v1alpha1/{ns}/openapi}: the namespace's curated OpenAPI document, the
     * Connectors the caller may get (each one's own SAR, asked when the document is built).
     * Two segments after the version: no Connector route has fewer than three, so a Connector
     * named {@code openapi} keeps {@code {ns}/openapi/path/...} and {@code {ns}/openapi/openapi}.
     */
    record NamespaceOpenApi(String namespace) implements GatewayRoute {
    }

    /** {@code /connectors/v1alpha1/connectorclasses/{class}/openapi}. */
    record ClassOpenApi(String className) implements GatewayRoute {
    }

    /** {@code /v2/}: the registry API's base, where registry clients learn how to authenticate. */
    record RegistryBase() implements GatewayRoute {
    }

    /** {@code /v2/token}: the gateway's registry token endpoint (Basic, password = a Kubernetes token). */
    record RegistryTokenEndpoint() implements GatewayRoute {
    }

    /**
     * {@code /v2/namespaces/{ns}/connectors/{name}/<repo>/…}: the Connector's registry at
     * {@code /v2/<repo>/…} ({@code canonicalApiPath}, canonical, starting with "/v2/").
     */
    record Registry(String namespace, String name, String canonicalApiPath) implements ToConnector {
    }

    /**
     * A request to the forward proxy, once the Connector whose address it targets is chosen:
     * {@code canonicalApiPath} is the target's path below that address (canonical, "" or starting with "/").
     */
    record ForwardProxy(String namespace, String name, String canonicalApiPath) implements ToConnector {
    }
}
