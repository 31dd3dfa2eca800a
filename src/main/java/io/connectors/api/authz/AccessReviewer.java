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
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
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
    private final AsyncCache<Key, Boolean> listed;
    private final int maxListedInFlight;
    private final ReviewMetrics metrics;

    @Inject
    AccessReviewer(ReviewApi api, ConnectorsConfig config, MeterRegistry registry) {
        this(api, config.auth().allowTtl(), config.auth().denyTtl(), config.auth().cacheSize(),
                config.auth().maxReviewsPerDocument(), registry);
    }

    AccessReviewer(ReviewApi api, Duration allow, Duration deny, long cacheSize, int maxListedInFlight,
            MeterRegistry registry) {
        this.api = api;
        this.cache = decisions(cacheSize, allow, deny);
        // Decisions asked for a listing (one per Connector of a namespace) are kept apart, in a cache a
        // tenth the size: one caller listing a large namespace, again and again or as many users, must
        // not push out the decisions every other caller's requests are served from.
        this.listed = decisions(Math.max(1, cacheSize / 10), allow, deny);
        this.maxListedInFlight = Math.max(1, maxListedInFlight);
        this.metrics = new ReviewMetrics(registry, "subjectaccessreview");
    }

    private static AsyncCache<Key, Boolean> decisions(long size, Duration allow, Duration deny) {
        return Caffeine.newBuilder()
                .maximumSize(size)
                // Its upkeep (expiry, eviction) runs on the calling event loop, a few entries at a time:
                // handing it to the common pool woke another thread every few requests.
                .executor(Runnable::run)
                .expireAfter(Expiry.<Key, Boolean>creating((key, allowed) -> allowed ? allow : deny))
                .buildAsync();
    }

    /** Whether the caller may; fails with 503 when the API server cannot tell. */
    public CompletableFuture<Boolean> allowed(CallerIdentity identity, AccessCheck check) {
        Key key = new Key(identity, check);
        metrics.lookup(cache.getIfPresent(key) != null);
        return failClosed(cache.get(key, (k, executor) -> review(identity, check)));
    }

    /**
     * Which of {@code checks} the caller passes, in their order: for a listing (the Connectors of a
     * namespace document). At most {@code connectors.auth.max-reviews-per-document} reviews are in
     * flight at once; a decision already cached for the caller's own requests is used, and new ones
     * go to a cache of their own. Fails with 503 when any review fails.
     */
    public CompletableFuture<List<Boolean>> allowedEach(CallerIdentity identity, List<AccessCheck> checks) {
        return new Listing(identity, checks).start();
    }

    private CompletableFuture<Boolean> listedDecision(CallerIdentity identity, AccessCheck check) {
        Key key = new Key(identity, check);
        CompletableFuture<Boolean> known = cache.getIfPresent(key);
        if (known != null) {
            metrics.lookup(true);
            return failClosed(known);
        }
        metrics.lookup(listed.getIfPresent(key) != null);
        return failClosed(listed.get(key, (k, executor) -> review(identity, check)));
    }

    private static CompletableFuture<Boolean> failClosed(CompletableFuture<Boolean> decision) {
        return decision.handle((allowed, failure) -> {
            if (failure != null) {
                LOG.warnf("SubjectAccessReview failed: %s", ReviewMetrics.describe(failure));
                throw GatewayError.unavailable("authorization is unavailable: the access review failed");
            }
            return allowed;
        });
    }

    /**
     * The decisions of one listing, asked a few at a time: each answer lets the next check go. A
     * loop, not a chain of callbacks, so that thousands of cached answers (complete at once) do not
     * nest. Guarded by itself.
     */
    private final class Listing {
        private final CallerIdentity identity;
        private final List<AccessCheck> checks;
        private final Boolean[] answers;
        private final CompletableFuture<List<Boolean>> result = new CompletableFuture<>();
        private int next;
        private int inFlight;
        private int answered;
        private boolean asking;

        Listing(CallerIdentity identity, List<AccessCheck> checks) {
            this.identity = identity;
            this.checks = List.copyOf(checks);
            this.answers = new Boolean[checks.size()];
        }

        CompletableFuture<List<Boolean>> start() {
            if (checks.isEmpty()) {
                result.complete(List.of());
            } else {
                ask();
            }
            return result;
        }

        private void ask() {
            synchronized (this) {
                if (asking) {
                    return; // the loop below is running and sees the place that was freed
                }
                asking = true;
            }
            while (true) {
                int index;
                synchronized (this) {
                    if (result.isDone() || next >= answers.length || inFlight >= maxListedInFlight) {
                        asking = false;
                        return;
                    }
                    index = next++;
                    inFlight++;
                }
                listedDecision(identity, checks.get(index)).whenComplete((allowed, failure) -> answered(index, allowed, failure));
            }
        }

        private void answered(int index, Boolean allowed, Throwable failure) {
            boolean all;
            synchronized (this) {
                inFlight--;
                answers[index] = allowed;
                all = failure == null && ++answered == answers.length;
            }
            if (failure != null) {
                result.completeExceptionally(failure instanceof java.util.concurrent.CompletionException wrapped
                        && wrapped.getCause() != null ? wrapped.getCause() : failure);
            } else if (all) {
                result.complete(List.of(answers));
            } else {
                ask();
            }
        }
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
