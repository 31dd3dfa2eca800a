package io.connectors.api.registry;

import io.connectors.api.errors.GatewayError;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The gateway's own errors on the registry route, in the registry API's error format
 * ({@code {"errors":[{"code":"UNAUTHORIZED","message":…}]}}), which registry clients print.
 */
public final class RegistryErrors {

    public static final String CONTENT_TYPE = "application/json";
    public static final String API_VERSION_HEADER = "Docker-Distribution-API-Version";
    public static final String API_VERSION = "registry/2.0";

    private RegistryErrors() {
    }

    public static Buffer body(GatewayError error) {
        return new JsonObject().put("errors", new JsonArray().add(new JsonObject()
                .put("code", code(error.code()))
                .put("message", error.getMessage())
                .put("detail", new JsonObject().put("status", error.code()).put("reason", error.reason()))))
                .toBuffer();
    }

    /** The registry error code closest to the gateway's status. */
    static String code(int status) {
        return switch (status) {
            case 401 -> "UNAUTHORIZED";
            case 403 -> "DENIED";
            case 404 -> "NAME_UNKNOWN";
            case 405 -> "UNSUPPORTED";
            case 413 -> "SIZE_INVALID";
            case 429 -> "TOOMANYREQUESTS";
            case 502, 503, 504 -> "UNAVAILABLE";
            default -> "UNKNOWN";
        };
    }
}
