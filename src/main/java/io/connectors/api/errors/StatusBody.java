package io.connectors.api.errors;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/** Renders a {@link GatewayError} as the JSON of a Kubernetes {@code meta/v1 Status}. */
public final class StatusBody {

    public static final String CONTENT_TYPE = "application/json";

    private StatusBody() {
    }

    public static Buffer of(GatewayError error) {
        JsonObject status = new JsonObject()
                .put("kind", "Status")
                .put("apiVersion", "v1")
                .put("metadata", new JsonObject())
                .put("status", "Failure")
                .put("message", error.getMessage())
                .put("reason", error.reason())
                .put("code", error.code());
        if (error.retryAfterSeconds() > 0) {
            status.put("details", new JsonObject().put("retryAfterSeconds", error.retryAfterSeconds()));
        }
        return status.toBuffer();
    }
}
