package io.connectors.api.route;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.http.HttpMethod;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The routes compiled from one class's {@code spec.api.openapi.paths}, or why there are none.
 * A document that cannot be compiled gives no routes at all, so every request of the class is
 * proxied, rather than some operations silently going to the wrong place.
 */
record ClassRoutes(RouteTree tree, Optional<String> problem) {

    static final ClassRoutes NONE = new ClassRoutes(RouteTree.EMPTY, Optional.empty());

    /** The operation keys of a path item that the gateway routes (OpenAPI's {@code trace} is not forwarded). */
    private static final List<HttpMethod> METHODS = List.of(HttpMethod.GET, HttpMethod.PUT, HttpMethod.POST,
            HttpMethod.DELETE, HttpMethod.PATCH, HttpMethod.HEAD, HttpMethod.OPTIONS);

    static final String PROVIDER_TYPE = "x-provider-type";
    static final String OPENAPI_ADDRESS = "x-openapi-address";

    Optional<RouteMatch> match(HttpMethod method, String rawApiPath) {
        return tree.match(method, rawApiPath);
    }

    /** Never throws: a malformed document is reported through {@link #problem()}. */
    static ClassRoutes compile(JsonNode openapi) {
        if (openapi == null || openapi.isNull() || openapi.isMissingNode()) {
            return NONE;
        }
        try {
            if (!openapi.isObject()) {
                throw new InvalidOpenApi("spec.api.openapi is not an object");
            }
            JsonNode paths = openapi.get("paths");
            if (paths == null || paths.isNull()) {
                return NONE;
            }
            if (!paths.isObject()) {
                throw new InvalidOpenApi("paths is not an object");
            }
            RouteTree.Builder tree = new RouteTree.Builder();
            for (Map.Entry<String, JsonNode> item : paths.properties()) {
                addPathItem(tree, PathTemplate.parse(item.getKey()), item.getValue());
            }
            return new ClassRoutes(tree.build(), Optional.empty());
        } catch (InvalidOpenApi e) {
            return new ClassRoutes(RouteTree.EMPTY, Optional.of(e.getMessage()));
        }
    }

    private static void addPathItem(RouteTree.Builder tree, PathTemplate template, JsonNode item) throws InvalidOpenApi {
        if (!item.isObject()) {
            throw new InvalidOpenApi("path \"" + template.text() + "\" is not an object");
        }
        for (HttpMethod method : METHODS) {
            String key = method.name().toLowerCase(Locale.ROOT);
            JsonNode operation = item.get(key);
            if (operation == null || operation.isNull()) {
                continue;
            }
            String where = key + " \"" + template.text() + "\"";
            if (!operation.isObject()) {
                throw new InvalidOpenApi(where + " is not an object");
            }
            tree.add(template, method, new RouteMatch(template.text(), providerType(operation, where),
                    openapiAddress(operation, where)));
        }
    }

    private static ProviderType providerType(JsonNode operation, String where) throws InvalidOpenApi {
        JsonNode type = operation.get(PROVIDER_TYPE);
        if (type == null || type.isNull()) {
            return ProviderType.PROXY;
        }
        String value = type.isTextual() ? type.asText().trim().toLowerCase(Locale.ROOT) : "";
        return switch (value) {
            case "api" -> ProviderType.API;
            case "proxy" -> ProviderType.PROXY;
            default -> throw new InvalidOpenApi(where + " has " + PROVIDER_TYPE + " " + type
                    + ", which is neither \"api\" nor \"proxy\"");
        };
    }

    private static Optional<String> openapiAddress(JsonNode operation, String where) throws InvalidOpenApi {
        JsonNode address = operation.get(OPENAPI_ADDRESS);
        if (address == null || address.isNull()) {
            return Optional.empty();
        }
        if (!address.isTextual() || address.asText().isBlank()) {
            throw new InvalidOpenApi(where + " has an " + OPENAPI_ADDRESS + " that is not a non-empty string");
        }
        return Optional.of(address.asText());
    }
}
