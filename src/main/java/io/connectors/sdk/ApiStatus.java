package io.connectors.sdk;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * The Kubernetes {@code meta/v1 Status} a custom API answers with when it does not answer 200,
 * in the same shape as the gateway's own errors.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ApiStatus(String kind, String apiVersion, Map<String, Object> metadata, String status,
        String message, String reason, int code) {

    public static final String CONTENT_TYPE = "application/json";

    public static ApiStatus failure(int code, String reason, String message) {
        return new ApiStatus("Status", "v1", Map.of(), "Failure", message, reason, code);
    }

    public String toJson() {
        return SdkJson.write(this);
    }

    public static ApiStatus fromJson(String json) {
        return SdkJson.read(json, ApiStatus.class);
    }
}
