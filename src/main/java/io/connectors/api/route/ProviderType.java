package io.connectors.api.route;

/** Who serves an OpenAPI operation: the tool itself (proxy) or the class's custom API service. */
public enum ProviderType {
    PROXY,
    API
}
