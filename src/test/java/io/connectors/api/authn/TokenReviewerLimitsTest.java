package io.connectors.api.authn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.connectors.api.errors.GatewayError;
import io.connectors.api.kube.ReviewApi;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatusBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Audiences, the cap on reviews in flight and the failed-authentication limit, against a scripted API server. */
class TokenReviewerLimitsTest {

    /** Answers TokenReviews from a token → audiences table (absent: invalid); "hold" tokens wait until released. */
    static final class ScriptedReviews extends ReviewApi {
        final Map<String, List<String>> audiencesByToken;
        final AtomicInteger calls = new AtomicInteger();
        final List<CompletableFuture<Object>> held = new ArrayList<>();

        ScriptedReviews(Map<String, List<String>> audiencesByToken) {
            super(null);
            this.audiencesByToken = audiencesByToken;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> CompletableFuture<T> create(String apiPath, Object body, Class<T> type) {
            calls.incrementAndGet();
            TokenReview review = (TokenReview) body;
            String token = review.getSpec().getToken();
            if (token.startsWith("hold")) {
                CompletableFuture<Object> later = new CompletableFuture<>();
                held.add(later);
                return (CompletableFuture<T>) later;
            }
            List<String> audiences = audiencesByToken.get(token);
            review.setStatus(new TokenReviewStatusBuilder().withAuthenticated(audiences != null)
                    .withAudiences(audiences).withNewUser().withUsername(audiences == null ? null : "user-" + token)
                    .endUser().build());
            return CompletableFuture.completedFuture((T) review);
        }
    }

    private static TokenReviewer reviewer(ScriptedReviews api, List<String> audiences, int maxConcurrent,
            int maxFailures) {
        return new TokenReviewer(api, new TokenFingerprint(), audiences, Duration.ofMinutes(2), Duration.ofSeconds(30),
                1000, maxConcurrent, new SimpleMeterRegistry(), new FailedAuthentications(maxFailures));
    }

    private static int codeOf(CompletableFuture<CallerIdentity> result) {
        try {
            result.join();
            return 200;
        } catch (CompletionException e) {
            return ((GatewayError) e.getCause()).code();
        }
    }

    @Test
    void withAudiencesConfiguredATokenForOtherAudiencesIs401() {
        ScriptedReviews api = new ScriptedReviews(Map.of("ours", List.of("connectors-api", "other"),
                "theirs", List.of("https://kubernetes.default.svc"), "none", List.of()));
        TokenReviewer tokens = reviewer(api, List.of("connectors-api"), 16, 0);
        assertThat(tokens.authenticate("ours", "a").join().username()).isEqualTo("user-ours");
        assertThat(codeOf(tokens.authenticate("theirs", "a"))).isEqualTo(401);
        assertThat(codeOf(tokens.authenticate("none", "a"))).isEqualTo(401);
        // Without audiences configured, the API server's own check is all there is.
        assertThat(reviewer(api, List.of(), 16, 0).authenticate("theirs", "a").join().username())
                .isEqualTo("user-theirs");
    }

    @Test
    void reviewsInFlightAreCappedAndTheOverflowIs503AtOnce() {
        ScriptedReviews api = new ScriptedReviews(Map.of("valid", List.of()));
        TokenReviewer tokens = reviewer(api, List.of(), 2, 0);
        CompletableFuture<CallerIdentity> first = tokens.authenticate("hold-1", "a");
        CompletableFuture<CallerIdentity> second = tokens.authenticate("hold-2", "a");
        assertThat(codeOf(tokens.authenticate("hold-3", "a"))).isEqualTo(503);
        assertThat(api.calls).hasValue(2);
        assertThat(first).isNotDone();
        assertThat(second).isNotDone();
        // A finished review frees its place; the refused token was not cached as invalid.
        api.held.get(0).completeExceptionally(new IllegalStateException("API server down"));
        assertThat(codeOf(first)).isEqualTo(503);
        assertThat(codeOf(tokens.authenticate("valid", "a"))).isEqualTo(200);
    }

    @Test
    void anAddressThatFailsTooOftenIs429WithoutFurtherReviewsButKnownTokensStillPass() {
        ScriptedReviews api = new ScriptedReviews(Map.of("valid", List.of()));
        TokenReviewer tokens = reviewer(api, List.of(), 16, 3);
        assertThat(codeOf(tokens.authenticate("valid", "10.0.0.9"))).isEqualTo(200);
        for (int i = 0; i < 3; i++) {
            assertThat(codeOf(tokens.authenticate("random-" + i, "10.0.0.9"))).isEqualTo(401);
        }
        int calls = api.calls.get();
        assertThatThrownBy(() -> tokens.authenticate("random-x", "10.0.0.9"))
                .isInstanceOfSatisfying(GatewayError.class, e -> {
                    assertThat(e.code()).isEqualTo(429);
                    assertThat(e.retryAfterSeconds()).isPositive();
                });
        assertThat(api.calls).hasValue(calls);
        assertThat(codeOf(tokens.authenticate("valid", "10.0.0.9"))).isEqualTo(200);
        assertThat(codeOf(tokens.authenticate("random-y", "10.0.0.10"))).isEqualTo(401);
    }
}
