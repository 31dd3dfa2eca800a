package io.connectors.api.route;

import java.util.Optional;

/**
 * The OpenAPI operation a request matched: its path template as written in the class's document
 * (e.g. {@code /api/v4/projects/{id}}), who serves it, and its {@code x-openapi-address}, if any.
 */
public record RouteMatch(String template, ProviderType providerType, Optional<String> openapiAddress) {
}
