package io.connectors.api.authz;

import static org.assertj.core.api.Assertions.assertThat;

import io.connectors.api.authn.CallerIdentity;
import io.connectors.api.errors.GatewayError;
import io.connectors.api.kube.ReviewApi;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The reviews of a namespace document (one per Connector): a few in flight at a time, and never at
 * the expense of the decisions the callers' own requests are served from.
 */
class AccessReviewerListingTest {

    /** Holds every review until the test answers it: allowed when the Connector's name starts with "ok". */
    static class HeldReviews extends ReviewApi {
        final List<CompletableFuture<Object>> held = new CopyOnWriteArrayList<>();
        final List<SubjectAccessReview> asked = new CopyOnWriteArrayList<>();
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger mostInFlight = new AtomicInteger();
        volatile boolean answerAtOnce;

        HeldReviews() {
            super(null);
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> CompletableFuture<T> create(String apiPath, Object body, Class<T> type) {
            SubjectAccessReview review = (SubjectAccessReview) body;
            asked.add(review);
            review.setStatus(new SubjectAccessReviewStatus(
                    review.getSpec().getResourceAttributes().getName().startsWith("ok"), false, null, null));
            if (answerAtOnce) {
                return CompletableFuture.completedFuture((T) review);
            }
            mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            CompletableFuture<Object> later = new CompletableFuture<>();
            held.add(later);
            return (CompletableFuture<T>) later.whenComplete((answer, failure) -> inFlight.decrementAndGet());
        }

        /** Answers the oldest review not answered yet. */
        void answerNext() {
            CompletableFuture<Object> next = held.stream().filter(future -> !future.isDone()).findFirst().orElseThrow();
            SubjectAccessReview review = asked.get(held.indexOf(next));
            next.complete(review);
        }
    }

    private static final CallerIdentity ALICE = new CallerIdentity("alice", "uid-alice", List.of(), Map.of());
    private static final CallerIdentity BOB = new CallerIdentity("bob", "uid-bob", List.of(), Map.of());

    private static AccessReviewer reviewer(HeldReviews api, long cacheSize, int perListing) {
        return new AccessReviewer(api, Duration.ofMinutes(5), Duration.ofSeconds(30), cacheSize, perListing,
                new SimpleMeterRegistry());
    }

    private static List<AccessCheck> connectors(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> AccessCheck.getConnector("team-a", prefix + i)).toList();
    }

    @Test
    void aListingHasAtMostItsShareOfReviewsInFlight() {
        HeldReviews api = new HeldReviews();
        AccessReviewer access = reviewer(api, 1000, 3);
        List<AccessCheck> checks = new java.util.ArrayList<>(connectors("ok-", 10));
        checks.addAll(connectors("no-", 10));
        CompletableFuture<List<Boolean>> decisions = access.allowedEach(ALICE, checks);
        assertThat(api.held).hasSize(3);
        // Each answer lets one more review go, never more than three at once.
        while (!decisions.isDone()) {
            api.answerNext();
            assertThat(api.inFlight.get()).isLessThanOrEqualTo(3);
        }
        assertThat(api.mostInFlight.get()).isEqualTo(3);
        assertThat(api.asked).hasSize(20);
        List<Boolean> answers = decisions.join();
        assertThat(answers.subList(0, 10)).containsOnly(true);
        assertThat(answers.subList(10, 20)).containsOnly(false);
    }

    @Test
    void aLargeListingDoesNotPushOutTheDecisionsOtherCallersAreServedFrom() {
        HeldReviews api = new HeldReviews();
        api.answerAtOnce = true;
        AccessReviewer access = reviewer(api, 100, 4);
        // Bob's own request, decided and cached.
        assertThat(access.allowed(BOB, AccessCheck.getConnector("team-b", "ok-tool")).join()).isTrue();
        // Alice lists a namespace of 1000 Connectors, twice over: ten times the shared cache.
        for (int round = 0; round < 2; round++) {
            assertThat(access.allowedEach(ALICE, connectors("ok-", 1000)).join()).hasSize(1000).containsOnly(true);
        }
        int asked = api.asked.size();
        // Bob's next request is still served from the cache: no new review.
        assertThat(access.allowed(BOB, AccessCheck.getConnector("team-b", "ok-tool")).join()).isTrue();
        assertThat(api.asked).hasSize(asked);
    }

    @Test
    void aListingUsesTheCallersCachedDecisionsAndFailsClosed() {
        HeldReviews api = new HeldReviews();
        api.answerAtOnce = true;
        AccessReviewer access = reviewer(api, 100, 2);
        assertThat(access.allowed(ALICE, AccessCheck.getConnector("team-a", "ok-0")).join()).isTrue();
        assertThat(access.allowedEach(ALICE, connectors("ok-", 3)).join()).containsExactly(true, true, true);
        assertThat(api.asked).as("ok-0 was known already").hasSize(3);
        assertThat(access.allowedEach(ALICE, List.of()).join()).isEmpty();

        HeldReviews failing = new HeldReviews() {
            @Override
            public <T> CompletableFuture<T> create(String apiPath, Object body, Class<T> type) {
                return CompletableFuture.failedFuture(new ReviewApi.ApiCallFailed(500));
            }
        };
        CompletableFuture<List<Boolean>> refused = reviewer(failing, 100, 2).allowedEach(ALICE, connectors("ok-", 5));
        assertThat(refused).isCompletedExceptionally();
        Throwable cause = org.assertj.core.api.Assertions.catchThrowable(refused::join);
        assertThat(cause).isInstanceOf(CompletionException.class);
        assertThat(cause.getCause()).isInstanceOf(GatewayError.class);
        assertThat(((GatewayError) cause.getCause()).code()).isEqualTo(503);
    }
}
