package io.connectors.api.authn;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.connectors.api.config.ConnectorsConfig;
import io.connectors.api.errors.GatewayError;
import io.connectors.api.kube.ReviewApi;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatus;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/**
 * Authenticates bearer tokens with TokenReviews, behind a cache keyed by a keyed hash of the
 * token. Concurrent look-ups of one token share a single review; a failed review is not cached
 * and fails closed (503).
 */
@ApplicationScoped
public class TokenReviewer {

    private static final Logger LOG = Logger.getLogger(TokenReviewer.class);
    static final String PATH = "/apis/authentication.k8s.io/v1/tokenreviews";

    private final ReviewApi api;
    private final TokenFingerprint fingerprint;
    private final List<String> audiences;
    private final AsyncCache<String, Optional<CallerIdentity>> cache;
    private final ReviewMetrics metrics;

    TokenReviewer(ReviewApi api, TokenFingerprint fingerprint, ConnectorsConfig config, MeterRegistry registry) {
        this.api = api;
        this.fingerprint = fingerprint;
        this.audiences = config.auth().audiences().orElse(List.of());
        Duration valid = config.auth().tokenTtl();
        // Rejected tokens are remembered briefly too, so a flood of one bad token costs one review.
        Duration invalid = config.auth().denyTtl();
        this.cache = Caffeine.newBuilder()
                .maximumSize(config.auth().cacheSize())
                .expireAfter(Expiry.<String, Optional<CallerIdentity>>creating(
                        (key, identity) -> identity.isPresent() ? valid : invalid))
                .buildAsync();
        this.metrics = new ReviewMetrics(registry, "tokenreview");
    }

    /** The caller's identity; fails with 401 for a token the API server does not accept. */
    public CompletableFuture<CallerIdentity> authenticate(String token) {
        String key = fingerprint.of(token);
        metrics.lookup(cache.getIfPresent(key) != null);
        return cache.get(key, (k, executor) -> review(token))
                .handle((identity, failure) -> {
                    if (failure != null) {
                        LOG.warnf("TokenReview failed: %s", ReviewMetrics.describe(failure));
                        throw GatewayError.unavailable("authentication is unavailable: the token could not be reviewed");
                    }
                    return identity.orElseThrow(() -> GatewayError.unauthorized("Unauthorized: the token is not valid"));
                });
    }

    private CompletableFuture<Optional<CallerIdentity>> review(String token) {
        TokenReview request = new TokenReviewBuilder()
                .withNewSpec().withToken(token).withAudiences(audiences.isEmpty() ? null : audiences).endSpec()
                .build();
        return metrics.time(api.create(PATH, request, TokenReview.class)).thenApply(TokenReviewer::identityOf);
    }

    private static Optional<CallerIdentity> identityOf(TokenReview review) {
        TokenReviewStatus status = review.getStatus();
        if (status == null || !Boolean.TRUE.equals(status.getAuthenticated()) || status.getUser() == null) {
            return Optional.empty();
        }
        UserInfo user = status.getUser();
        return Optional.of(new CallerIdentity(user.getUsername(), user.getUid(), user.getGroups(), user.getExtra()));
    }
}
