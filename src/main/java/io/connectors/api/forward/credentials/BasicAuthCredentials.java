package io.connectors.api.forward.credentials;

import io.fabric8.kubernetes.api.model.Secret;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/** {@code kubernetes.io/basic-auth} → {@code Authorization: Basic base64(username:password)}. */
@Singleton
public class BasicAuthCredentials implements CredentialInjector {

    @Override
    public String secretType() {
        return "kubernetes.io/basic-auth";
    }

    @Override
    public void inject(Secret secret, Map<String, String> headers) {
        String pair = SecretData.required(secret, "username") + ":" + SecretData.required(secret, "password");
        headers.put("Authorization", "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    }
}
