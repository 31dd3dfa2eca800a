package io.connectors.api.web;

/** Which of the gateway's routes a raw request path names (spec §3). */
public sealed interface GatewayRoute {

    /** {@code /connectors/version}. */
    record Version() implements GatewayRoute {
    }

    /** {@code /connectors/v1alpha1/{ns}/{name}/path{api-path}}: api-path raw, "" or starting with "/". */
    record ConnectorApi(String namespace, String name, String rawApiPath) implements GatewayRoute {
    }

    /** {@code /connectors/v1alpha1/namespaces/{ns}/connectors/{name}/resources/{resource...}}. */
    record LegacyResource(String namespace, String name, String rawResourcePath) implements GatewayRoute {
    }

    /** {@code /connectors/v1alpha1/{ns}/{name}/openapi}. */
    record ConnectorOpenApi(String namespace, String name) implements GatewayRoute {
    }

    /** {@code /connectors/v1alpha1/connectorclasses/{class}/openapi}. */
    record ClassOpenApi(String className) implements GatewayRoute {
    }
}
