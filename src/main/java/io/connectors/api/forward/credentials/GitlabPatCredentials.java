package io.connectors.api.forward.credentials;

import io.fabric8.kubernetes.api.model.Secret;
import jakarta.inject.Singleton;
import java.util.Map;

/** {@code connectors.cpaas.io/gitlab-pat-auth} → {@code Private-Token: <token>}. */
@Singleton
public class GitlabPatCredentials implements CredentialInjector {

    @Override
    public String secretType() {
        return "connectors.cpaas.io/gitlab-pat-auth";
    }

    @Override
    public void inject(Secret secret, Map<String, String> headers) {
        headers.put("Private-Token", SecretData.required(secret, "token").trim());
    }
}
