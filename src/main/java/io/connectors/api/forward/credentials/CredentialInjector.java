package io.connectors.api.forward.credentials;

import io.fabric8.kubernetes.api.model.Secret;
import java.util.Map;

/**
 * Turns one type of Secret into the headers a tool expects. New Secret types plug in as one
 * CDI bean each; {@link Credentials} picks the bean by {@link #secretType()}.
 */
public interface CredentialInjector {

    String secretType();

    /** Adds (with set semantics: one value per header) the headers that authenticate to the tool. */
    void inject(Secret secret, Map<String, String> headers);
}
