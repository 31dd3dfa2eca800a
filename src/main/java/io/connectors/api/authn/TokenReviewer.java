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
import jakarta.inject.Singleton;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Authenticates bearer tokens with TokenReviews, behind a cache keyed by a keyed hash of the
 * token. Concurrent look-ups of one token share a single review; a failed review is not cached
 * and fails closed (503).
 */
@Singleton
public class TokenReviewer {

    private static final Logger LOG = Logger.getLogger(TokenReviewer.class);
    static final String PATH = "/apis/authentication.k8s.io/v1/tokenreviews";

    private final ReviewApi api;
    private final TokenFingerprint fingerprint;
    private final List<String> audiences;
    private final AsyncCache<String, Optional<CallerIdentity>> cache;
    private final ReviewMetrics metrics;
    private final FailedAuthentications failedAuthentications;
    private final int maxConcurrentReviews;
    private final AtomicInteger reviewsInFlight = new AtomicInteger();

    @Inject
    TokenReviewer(ReviewApi api, TokenFingerprint fingerprint, ConnectorsConfig config, MeterRegistry registry,
            FailedAuthentications failedAuthentications) {
        // Rejected tokens are remembered briefly too (deny TTL), so a flood of one bad token costs one review.
        this(api, fingerprint, config.auth().audiences().orElse(List.of()), config.auth().tokenTtl(),
                config.auth().denyTtl(), config.auth().cacheSize(), config.auth().maxConcurrentReviews(), registry,
                failedAuthentications);
    }

    TokenReviewer(ReviewApi api, TokenFingerprint fingerprint, List<String> audiences, Duration valid,
            Duration invalid, long cacheSize, int maxConcurrentReviews, MeterRegistry registry,
            FailedAuthentications failedAuthentications) {
        this.api = api;
        this.fingerprint = fingerprint;
        this.failedAuthentications = failedAuthentications;
        this.maxConcurrentReviews = maxConcurrentReviews;
        this.audiences = List.copyOf(audiences);
        this.cache = Caffeine.newBuilder()
                .maximumSize(cacheSize)
                // Its upkeep (expiry, eviction) runs on the calling event loop, a few entries at a time:
                // handing it to the common pool woke another thread every few requests.
                .executor(Runnable::run)
                .expireAfter(Expiry.<String, Optional<CallerIdentity>>creating(
                        (key, identity) -> identity.isPresent() ? valid : invalid))
                .buildAsync();
        this.metrics = new ReviewMetrics(registry, "tokenreview");
    }

    /**
     * The caller's identity; fails with 401 for a token the API server does not accept (or not for
     * the configured audiences), 429 for an address that failed too often, 503 when the token
     * cannot be reviewed (API server down, too many reviews in flight).
     */
    public CompletableFuture<CallerIdentity> authenticate(String token, String clientAddress) {
        String key = fingerprint.of(token);
        boolean known = cache.getIfPresent(key) != null;
        metrics.lookup(known);
        if (!known) {
            failedAuthentications.refuseIfLimited(clientAddress);
        }
        return cache.get(key, (k, executor) -> review(token))
                .handle((identity, failure) -> {
                    if (failure != null) {
                        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                                ? failure.getCause() : failure;
                        if (cause instanceof GatewayError busy) {
                            throw busy;
                        }
                        LOG.warnf("TokenReview failed: %s", ReviewMetrics.describe(failure));
                        throw GatewayError.unavailable("authentication is unavailable: the token could not be reviewed");
                    }
                    if (identity.isEmpty()) {
                        failedAuthentications.failed(clientAddress);
                        throw GatewayError.unauthorized("Unauthorized: the token is not valid");
                    }
                    return identity.get();
                });
    }

    /** At most {@code max-concurrent-reviews} at a time: beyond, 503 at once (not cached) instead of a queue. */
    private CompletableFuture<Optional<CallerIdentity>> review(String token) {
        if (reviewsInFlight.incrementAndGet() > maxConcurrentReviews) {
            reviewsInFlight.decrementAndGet();
            return CompletableFuture.failedFuture(GatewayError.unavailable(
                    "too many authentications are in progress; try again later"));
        }
        CompletableFuture<Optional<CallerIdentity>> review;
        try {
            review = reviewOnce(token);
        } catch (RuntimeException e) {
            reviewsInFlight.decrementAndGet();
            return CompletableFuture.failedFuture(e);
        }
        return review.whenComplete((identity, failure) -> reviewsInFlight.decrementAndGet());
    }

    private CompletableFuture<Optional<CallerIdentity>> reviewOnce(String token) {
        TokenReview request = new TokenReviewBuilder()
                .withNewSpec().withToken(token).withAudiences(audiences.isEmpty() ? null : audiences).endSpec()
                .build();
        return metrics.time(api.create(PATH, request, TokenReview.class)).thenApply(review -> identityOf(review, audiences));
    }

    /**
     * Who the review says the caller is; nobody when it is not authenticated or, with audiences
     * configured, when the token is not meant for any of them (the API server answers with the
     * audiences the token is valid for; none of ours among them means the token was made for
     * someone else and must not be replayed here).
     */
    static Optional<CallerIdentity> identityOf(TokenReview review, List<String> audiences) {
        TokenReviewStatus status = review.getStatus();
        if (status == null || !Boolean.TRUE.equals(status.getAuthenticated()) || status.getUser() == null) {
            return Optional.empty();
        }
        if (!audiences.isEmpty() && (status.getAudiences() == null
                || status.getAudiences().stream().noneMatch(audiences::contains))) {
            return Optional.empty();
        }
        UserInfo user = status.getUser();
        return Optional.of(new CallerIdentity(user.getUsername(), user.getUid(), user.getGroups(), user.getExtra()));
    }
}
