package io.connectors.api.registry;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.connectors.api.authn.CallerIdentity;
import io.connectors.api.authn.TokenFingerprint;
import io.connectors.api.config.ConnectorsConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

/**
 * The tokens of the gateway's registry token endpoint: opaque random handles, each standing for the
 * identity a TokenReview gave, for a short time, in a bounded cache. A handle says nothing about
 * the Kubernetes token it was issued for; the cache is keyed by a keyed hash of the handle, so the
 * handles themselves are not kept either. Per process: behind several replicas, a client whose
 * handle another replica issued is challenged again and gets a new one.
 */
@ApplicationScoped
public class GatewayRegistryTokens {

    private final SecureRandom random = new SecureRandom();
    private final TokenFingerprint fingerprint;
    private final Duration ttl;
    private final Cache<String, CallerIdentity> identities;

    GatewayRegistryTokens(TokenFingerprint fingerprint, ConnectorsConfig config) {
        this.fingerprint = fingerprint;
        this.ttl = config.registry().tokenTtl();
        this.identities = Caffeine.newBuilder().maximumSize(config.registry().maxTokens()).expireAfterWrite(ttl).build();
    }

    public record Issued(String token, Duration lifetime) {
        @Override
        public String toString() {
            return "Issued[lifetime=" + lifetime + "]";
        }
    }

    public Issued issue(CallerIdentity identity) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        identities.put(fingerprint.of(token), identity);
        return new Issued(token, ttl);
    }

    public Optional<CallerIdentity> identity(String token) {
        return Optional.ofNullable(identities.getIfPresent(fingerprint.of(token)));
    }
}
