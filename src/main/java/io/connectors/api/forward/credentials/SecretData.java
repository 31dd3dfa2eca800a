package io.connectors.api.forward.credentials;

import io.connectors.api.errors.GatewayError;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/** Reads decoded values out of a Secret; a missing key is the Secret owner's mistake (500, key named). */
public final class SecretData {

    private SecretData() {
    }

    public static Optional<String> optional(Secret secret, String key) {
        if (secret.getData() != null && secret.getData().get(key) != null) {
            try {
                return Optional.of(new String(Base64.getDecoder().decode(secret.getData().get(key).trim()),
                        StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw GatewayError.internal("secret \"" + secret.getMetadata().getName() + "\" has a value under \""
                        + key + "\" that is not base64");
            }
        }
        if (secret.getStringData() != null && secret.getStringData().get(key) != null) {
            return Optional.of(secret.getStringData().get(key));
        }
        return Optional.empty();
    }

    public static String required(Secret secret, String key) {
        return optional(secret, key).orElseThrow(() -> GatewayError.internal("secret \""
                + secret.getMetadata().getName() + "\" of type " + secret.getType() + " has no \"" + key + "\" key"));
    }
}
