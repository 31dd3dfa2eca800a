package io.connectors.api.forward.credentials;

import io.connectors.api.errors.GatewayError;
import io.fabric8.kubernetes.api.model.Secret;
import jakarta.inject.Singleton;
import java.util.Map;

/** {@code Opaque} with a {@code token} key → {@code Authorization: Bearer <token>}. */
@Singleton
public class OpaqueTokenCredentials implements CredentialInjector {

    @Override
    public String secretType() {
        return "Opaque";
    }

    @Override
    public void inject(Secret secret, Map<String, String> headers) {
        String token = SecretData.optional(secret, "token").orElseThrow(() -> GatewayError.badRequest(
                "secret type Opaque is supported only with a \"token\" key"));
        headers.put("Authorization", "Bearer " + token.trim());
    }
}
