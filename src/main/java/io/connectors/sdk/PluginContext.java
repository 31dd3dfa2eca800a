package io.connectors.sdk;

import com.fasterxml.jackson.core.type.TypeReference;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * What the gateway tells a custom API about the Connector of a call (seed 001), decoded from the
 * {@code X-Plugin-Meta}, {@code X-Plugin-Auth} and {@code X-Plugin-Secret} headers: the tool's
 * address, the Secret's type and its data as plain strings. {@code toString} never shows the data.
 *
 * @param baseUrl the Connector's {@code spec.address}
 * @param secretType the Secret's type, null when the Connector has no Secret
 * @param secretData the Secret's data, base64-decoded (UTF-8); empty without a Secret
 */
public record PluginContext(String baseUrl, String secretType, Map<String, String> secretData) {

    public static final String META_HEADER = "X-Plugin-Meta";
    public static final String AUTH_HEADER = "X-Plugin-Auth";
    public static final String SECRET_HEADER = "X-Plugin-Secret";

    public static final String BASIC_AUTH = "kubernetes.io/basic-auth";

    private static final TypeReference<Map<String, String>> STRINGS = new TypeReference<>() {
    };

    public PluginContext {
        secretData = secretData == null ? Map.of() : Map.copyOf(secretData);
    }

    /**
     * Decodes the headers of a request, given how to read one (e.g. Vert.x {@code request::getHeader},
     * JDK {@code exchange.getRequestHeaders()::getFirst}). Missing or malformed headers: 400 Status.
     */
    public static PluginContext fromHeaders(UnaryOperator<String> header) {
        return decode(header.apply(META_HEADER), header.apply(AUTH_HEADER), header.apply(SECRET_HEADER));
    }

    public static PluginContext decode(String meta, String auth, String secret) {
        if (meta == null) {
            throw StatusException.badRequest("header " + META_HEADER + " is missing: call this API through the gateway");
        }
        String baseUrl = json(META_HEADER, meta).get("baseURL");
        if (baseUrl == null || baseUrl.isEmpty()) {
            throw StatusException.badRequest("header " + META_HEADER + " has no baseURL");
        }
        if ((auth == null) != (secret == null)) {
            throw StatusException.badRequest("headers " + AUTH_HEADER + " and " + SECRET_HEADER + " come together");
        }
        if (auth == null) {
            return new PluginContext(baseUrl, null, Map.of());
        }
        Map<String, String> data = new TreeMap<>();
        json(SECRET_HEADER, secret).forEach((key, value) -> data.put(key, text(SECRET_HEADER + " key " + key, value)));
        return new PluginContext(baseUrl, text(AUTH_HEADER, auth), data);
    }

    public boolean hasSecret() {
        return secretType != null;
    }

    public Optional<String> secret(String key) {
        return Optional.ofNullable(secretData.get(key));
    }

    /** The credentials of a {@code kubernetes.io/basic-auth} Secret; empty for any other type or none. */
    public Optional<BasicAuth> basicAuth() {
        if (!BASIC_AUTH.equals(secretType)) {
            return Optional.empty();
        }
        return Optional.of(new BasicAuth(secretData.getOrDefault("username", ""),
                secretData.getOrDefault("password", "")));
    }

    /** The {@code token} of the Secret (bearer-token, gitlab-pat-auth and Opaque token Secrets carry one). */
    public Optional<String> token() {
        return secret("token");
    }

    @Override
    public String toString() {
        return "PluginContext[baseUrl=" + baseUrl + ", secretType=" + secretType + ", secretKeys="
                + secretData.keySet() + "]";
    }

    private static Map<String, String> json(String header, String base64) {
        try {
            Map<String, String> object = SdkJson.MAPPER.readValue(text(header, base64), STRINGS);
            return object == null ? Map.of() : object;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw StatusException.badRequest("header " + header + " is not base64 of a JSON object of strings");
        }
    }

    private static String text(String what, String base64) {
        try {
            return new String(Base64.getDecoder().decode(base64.strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw StatusException.badRequest(what + " is not valid base64");
        }
    }
}
