package io.connectors.api.forward.credentials;

import io.fabric8.kubernetes.api.model.Secret;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;

/**
 * {@code cpaas.io/distribution-registry-token} (username, password): nothing is sent to the
 * registry itself. The credentials go only to the token service a registry's {@code Bearer}
 * challenge names, and the registry gets that service's token
 * ({@link io.connectors.api.forward.registry.RegistryFlow}).
 */
@ApplicationScoped
public class RegistryLoginCredentials implements CredentialInjector {

    @Override
    public String secretType() {
        return "cpaas.io/distribution-registry-token";
    }

    @Override
    public void inject(Secret secret, Map<String, String> headers) {
        // Checked now, so that a Secret without them fails before anything is sent.
        SecretData.required(secret, "username");
        SecretData.required(secret, "password");
    }
}
