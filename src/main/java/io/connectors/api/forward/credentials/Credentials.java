package io.connectors.api.forward.credentials;

import io.connectors.api.errors.GatewayError;
import io.fabric8.kubernetes.api.model.Secret;
import jakarta.inject.Singleton;
import jakarta.enterprise.inject.Instance;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Chooses the {@link CredentialInjector} for a Secret's type. No Secret: no credentials. */
@Singleton
public class Credentials {

    private static final String DEFAULT_TYPE = "Opaque";
    private final Map<String, CredentialInjector> byType;

    Credentials(Instance<CredentialInjector> injectors) {
        this.byType = injectors.stream().collect(Collectors.toUnmodifiableMap(CredentialInjector::secretType,
                Function.identity()));
    }

    public void inject(Optional<Secret> secret, Map<String, String> headers) {
        if (secret.isEmpty()) {
            return;
        }
        String type = typeOf(secret.get());
        CredentialInjector injector = byType.get(type);
        if (injector == null) {
            throw GatewayError.badRequest("secret type \"" + type + "\" is not supported for proxying");
        }
        Map<String, String> injected = new java.util.HashMap<>();
        injector.inject(secret.get(), injected);
        injected.forEach((name, value) -> {
            if (!isSendable(value)) {
                // Refused here, not by the HTTP client later, where the failure would come after the
                // request had started and the value could end up in an exception message.
                throw GatewayError.internal("secret \"" + secret.get().getMetadata().getName()
                        + "\" holds a value that cannot be sent in an HTTP header (control characters)");
            }
        });
        headers.putAll(injected);
    }

    /** A header value: visible ASCII/Latin-1, spaces and tabs; no CR, LF, NUL or other controls. */
    static boolean isSendable(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
                return false;
            }
        }
        return true;
    }

    /** A Secret without a type is Opaque, as the API server defaults it. */
    public static String typeOf(Secret secret) {
        return secret.getType() == null || secret.getType().isBlank() ? DEFAULT_TYPE : secret.getType();
    }
}
