package io.connectors.api.openapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * An OpenAPI document as the gateway serves it: compact JSON, and its strong {@code ETag}.
 * Keys are written sorted, so equal documents give equal bytes (and ETags) whatever order the
 * informer's copy had: every replica answers the same ETag. Never modify {@link #body()}.
 */
public record ServedDocument(byte[] body, String etag) {

    public static final String CONTENT_TYPE = "application/json";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonNodeFeature.WRITE_PROPERTIES_SORTED)
            .build();

    static ServedDocument of(JsonNode document) {
        try {
            byte[] body = JSON.writeValueAsBytes(document);
            return new ServedDocument(body, EntityTags.strong(body));
        } catch (JsonProcessingException e) {
            // A tree parsed from the API server always serializes.
            throw new IllegalStateException("could not write an OpenAPI document", e);
        }
    }
}
