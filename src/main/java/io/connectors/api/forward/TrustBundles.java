package io.connectors.api.forward;

import io.connectors.api.config.FeatureFlag;
import io.connectors.api.model.LocalReference;
import io.connectors.api.resolve.FeatureFlags;
import io.connectors.api.resolve.InformerCaches;
import io.connectors.api.resolve.ResolvedConnector;
import io.fabric8.kubernetes.api.model.Secret;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The extra CA certificates a Connector's tool may be trusted with, when the flag
 * {@code enable-custom-ca-certs} is on: the labelled Secrets of the system namespace and the
 * Connector's own {@code spec.caCertSecretRef}.
 */
@ApplicationScoped
public class TrustBundles {

    private static final String PEM_HEADER = "-----BEGIN CERTIFICATE-----";

    private final InformerCaches caches;
    private final FeatureFlags flags;

    /** Decoded PEMs per Secret version, so a request only looks them up (a rotation is a new key). */
    private final Cache<String, List<String>> pemsByVersion = Caffeine.newBuilder().maximumSize(1024).build();

    TrustBundles(InformerCaches caches, FeatureFlags flags) {
        this.caches = caches;
        this.flags = flags;
    }

    public Optional<TrustBundle> forConnector(ResolvedConnector resolved) {
        if (!flags.enabled(FeatureFlag.CUSTOM_CA_CERTS)) {
            return Optional.empty();
        }
        List<Secret> sources = new ArrayList<>(caches.caCertSecrets());
        LocalReference ref = resolved.connector().getSpec().caCertSecretRef();
        if (ref != null && ref.name() != null && !ref.name().isBlank()) {
            caches.secret(resolved.namespace(), ref.name()).ifPresent(sources::add);
        }
        List<String> pems = new ArrayList<>();
        StringBuilder key = new StringBuilder();
        for (Secret secret : sources) {
            String version = secret.getMetadata().getNamespace() + "/" + secret.getMetadata().getName() + "@"
                    + secret.getMetadata().getResourceVersion();
            List<String> found = pemsByVersion.get(version, v -> pemsOf(secret));
            if (!found.isEmpty()) {
                pems.addAll(found);
                key.append(version).append(';');
            }
        }
        return pems.isEmpty() ? Optional.empty() : Optional.of(new TrustBundle(key.toString(), pems));
    }

    /** PEM certificates of a Secret, in key order: every value that holds a PEM certificate. */
    static List<String> pemsOf(Secret secret) {
        if (secret.getData() == null) {
            return List.of();
        }
        List<String> pems = new ArrayList<>();
        for (Map.Entry<String, String> entry : new TreeMap<>(secret.getData()).entrySet()) {
            String value;
            try {
                value = new String(Base64.getDecoder().decode(entry.getValue().trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                continue;
            }
            // A .crt/.pem key without a PEM certificate inside (DER, a key) cannot be used as PEM anyway.
            if (value.contains(PEM_HEADER)) {
                pems.add(value);
            }
        }
        return List.copyOf(pems);
    }
}
