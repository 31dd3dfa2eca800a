package io.connectors.sdk;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The OpenAPI document a custom API publishes about itself, served at {@link #PATH}. A
 * ConnectorClass annotated {@code connectors.alauda.io/api-spec-path: /openapi.json} has the
 * gateway fetch it from the class API (again every few minutes, with {@code If-None-Match}) and
 * route its paths to the API, so the class needs no inline {@code spec.api.openapi.paths}.
 * Every operation of it routes to the API itself ({@code x-provider-type: api}); inline paths of
 * the class win over it.
 *
 * <pre>{@code
 * OpenApiDocument openapi = OpenApiDocument.of(json);
 * if (OpenApiDocument.PATH.equals(request.path())) {
 *     OpenApiDocument.Answer answer = openapi.answer(request.getHeader("If-None-Match"));
 *     response.setStatusCode(answer.code()); answer.headers().forEach(response::putHeader); response.end(answer.body());
 * }
 * }</pre>
 */
public final class OpenApiDocument {

    /** The standard path an API built on the SDK serves its document at. */
    public static final String PATH = "/openapi.json";
    /** The ConnectorClass annotation naming that path. */
    public static final String ANNOTATION = "connectors.alauda.io/api-spec-path";
    public static final String CONTENT_TYPE = "application/json";

    /** One answer to a GET of the document: 200 with the document, or 304 when the caller has it. */
    public record Answer(int code, java.util.Map<String, String> headers, String body) {
    }

    private final String json;
    private final String etag;

    private OpenApiDocument(String json) {
        this.json = json;
        this.etag = "\"" + sha256(json) + "\"";
    }

    /**
     * @throws IllegalArgumentException when {@code json} is not a JSON object with an {@code openapi} version
     */
    public static OpenApiDocument of(String json) {
        Objects.requireNonNull(json, "json");
        JsonNode document;
        try {
            document = SdkJson.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the OpenAPI document is not JSON");
        }
        if (document == null || !document.isObject() || !document.has("openapi")) {
            throw new IllegalArgumentException("the OpenAPI document is not an object with an \"openapi\" version");
        }
        return new OpenApiDocument(SdkJson.write(document));
    }

    public String json() {
        return json;
    }

    /** A strong ETag: the SHA-256 of the document. */
    public String etag() {
        return etag;
    }

    /** {@code ifNoneMatch}: the request's {@code If-None-Match} header, or null. */
    public Answer answer(String ifNoneMatch) {
        if (ifNoneMatch != null && matches(ifNoneMatch)) {
            return new Answer(304, java.util.Map.of("ETag", etag), "");
        }
        return new Answer(200, java.util.Map.of("ETag", etag, "Content-Type", CONTENT_TYPE), json);
    }

    private boolean matches(String ifNoneMatch) {
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.trim();
            if (tag.equals("*") || tag.equals(etag) || tag.equals("W/" + etag)) {
                return true;
            }
        }
        return false;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
