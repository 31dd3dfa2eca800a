package io.connectors.api.forward.credentials;

import io.fabric8.kubernetes.api.model.Secret;
import jakarta.inject.Singleton;
import java.util.Map;

/** {@code connectors.cpaas.io/bearer-token} → {@code Authorization: Bearer <token>}. */
@Singleton
public class BearerTokenCredentials implements CredentialInjector {

    @Override
    public String secretType() {
        return "connectors.cpaas.io/bearer-token";
    }

    @Override
    public void inject(Secret secret, Map<String, String> headers) {
        headers.put("Authorization", "Bearer " + SecretData.required(secret, "token").trim());
    }
}
