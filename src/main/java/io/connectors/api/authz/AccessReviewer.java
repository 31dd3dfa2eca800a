package io.connectors.api.authz;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.connectors.api.authn.CallerIdentity;
import io.connectors.api.authn.ReviewMetrics;
import io.connectors.api.config.ConnectorsConfig;
import io.connectors.api.errors.GatewayError;
import io.connectors.api.kube.ReviewApi;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/**
 * Answers {@link AccessCheck}s with SubjectAccessReviews for the caller's identity. Allow and
 * deny decisions are cached with their own TTLs; identical concurrent checks share one review;
 * a failed review is not cached and fails closed (503).
 */
@Singleton
public class AccessReviewer {

    private static final Logger LOG = Logger.getLogger(AccessReviewer.class);
    static final String PATH = "/apis/authorization.k8s.io/v1/subjectaccessreviews";

    private record Key(CallerIdentity identity, AccessCheck check) {
    }

    private final ReviewApi api;
    private final AsyncCache<Key, Boolean> cache;
    private final ReviewMetrics metrics;

    AccessReviewer(ReviewApi api, ConnectorsConfig config, MeterRegistry registry) {
        this.api = api;
        Duration allow = config.auth().allowTtl();
        Duration deny = config.auth().denyTtl();
        this.cache = Caffeine.newBuilder()
                .maximumSize(config.auth().cacheSize())
                // Its upkeep (expiry, eviction) runs on the calling event loop, a few entries at a time:
                // handing it to the common pool woke another thread every few requests.
                .executor(Runnable::run)
                .expireAfter(Expiry.<Key, Boolean>creating((key, allowed) -> allowed ? allow : deny))
                .buildAsync();
        this.metrics = new ReviewMetrics(registry, "subjectaccessreview");
    }

    /** Whether the caller may; fails with 503 when the API server cannot tell. */
    public CompletableFuture<Boolean> allowed(CallerIdentity identity, AccessCheck check) {
        Key key = new Key(identity, check);
        metrics.lookup(cache.getIfPresent(key) != null);
        return cache.get(key, (k, executor) -> review(identity, check))
                .handle((allowed, failure) -> {
                    if (failure != null) {
                        LOG.warnf("SubjectAccessReview failed: %s", ReviewMetrics.describe(failure));
                        throw GatewayError.unavailable("authorization is unavailable: the access review failed");
                    }
                    return allowed;
                });
    }

    /** Like {@link #allowed} but fails with 403 when the answer is no. */
    public CompletableFuture<Void> require(CallerIdentity identity, AccessCheck check) {
        return allowed(identity, check).thenAccept(allowed -> {
            if (!allowed) {
                throw forbidden(identity, check);
            }
        });
    }

    public static GatewayError forbidden(CallerIdentity identity, AccessCheck check) {
        return GatewayError.forbidden("user \"" + identity.username() + "\" cannot " + check.describe());
    }

    private CompletableFuture<Boolean> review(CallerIdentity identity, AccessCheck check) {
        SubjectAccessReview review = new SubjectAccessReviewBuilder()
                .withNewSpec()
                .withUser(identity.username())
                .withUid(identity.uid())
                .withGroups(identity.groups())
                .withExtra(identity.extra().isEmpty() ? null : identity.extra())
                .withNewResourceAttributes()
                .withVerb(check.verb())
                .withGroup(check.group())
                .withResource(check.resource())
                .withSubresource(check.subresource())
                .withNamespace(check.namespace())
                .withName(check.name())
                .endResourceAttributes()
                .endSpec()
                .build();
        return metrics.time(api.create(PATH, review, SubjectAccessReview.class))
                .thenApply(answer -> answer.getStatus() != null && Boolean.TRUE.equals(answer.getStatus().getAllowed()));
    }
}
