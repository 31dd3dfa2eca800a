package io.connectors.api.forward;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.connectors.api.forward.credentials.Credentials;
import io.connectors.sdk.PluginContext;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The {@code X-Plugin-*} headers that tell a custom API which tool to call and with what
 * (seed 001): standard padded base64 of the tool's address as JSON, of the Secret's type, and
 * of the Secret's data as compact JSON with sorted keys (its values still base64, as stored).
 */
public final class PluginHeaders {

    // One definition of the wire names, shared with the SDK that custom APIs read them with.
    public static final String META = PluginContext.META_HEADER;
    public static final String AUTH = PluginContext.AUTH_HEADER;
    public static final String SECRET = PluginContext.SECRET_HEADER;

    private static final ObjectMapper JSON = new ObjectMapper();

    private PluginHeaders() {
    }

    /** Meta always; Auth and Secret only when the Connector has a Secret. */
    public static Map<String, String> of(String toolAddress, Optional<Secret> secret) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(META, meta(toolAddress));
        secret.ifPresent(present -> {
            headers.put(AUTH, auth(present));
            headers.put(SECRET, secret(present));
        });
        return headers;
    }

    static String meta(String toolAddress) {
        return base64(json(Map.of("baseURL", toolAddress == null ? "" : toolAddress)));
    }

    static String auth(Secret secret) {
        return base64(Credentials.typeOf(secret));
    }

    static String secret(Secret secret) {
        return base64(json(secret.getData() == null ? Map.of() : new TreeMap<>(secret.getData())));
    }

    private static String json(Map<String, String> object) {
        try {
            return JSON.writeValueAsString(object);
        } catch (JsonProcessingException e) {
            // A map of strings always serializes; say what failed without its contents.
            throw new IllegalStateException("could not write a plugin header as JSON", e);
        }
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
