package io.connectors.api.support;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributes;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewStatus;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.utils.ResponseProvider;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * TokenReview and SubjectAccessReview answered by the test, on the fabric8 mock server: tokens
 * map to users, and SARs are allowed only by explicit grants. Counts every review per token and
 * can be told to fail, or to answer slowly, for one token.
 */
public final class FakeKubeAuth {

    /** A grant: user may {@code verb} connectors[/subresource] "name" in "namespace" (null name: any). */
    public record Grant(String user, String verb, String subresource, String namespace, String name) {
    }

    private static final Map<String, String> USERS_BY_TOKEN = new ConcurrentHashMap<>();
    private static final Map<String, AtomicInteger> REVIEWS_BY_TOKEN = new ConcurrentHashMap<>();
    private static final Set<String> FAILING_TOKENS = ConcurrentHashMap.newKeySet();
    private static final Map<String, Long> SLOW_TOKENS = new ConcurrentHashMap<>();
    private static final List<Grant> GRANTS = new CopyOnWriteArrayList<>();
    private static final List<ResourceAttributes> SARS = new CopyOnWriteArrayList<>();
    private static volatile boolean sarFailing;

    private FakeKubeAuth() {
    }

    /** A new user with a fresh token (unique per call, so caches never carry over between tests). */
    public static String newToken(String userPrefix) {
        String token = "tok-" + UUID.randomUUID();
        USERS_BY_TOKEN.put(token, userPrefix + "-" + token.substring(4, 12));
        return token;
    }

    public static String userOf(String token) {
        return USERS_BY_TOKEN.get(token);
    }

    public static void grantGet(String token, String namespace, String name) {
        grant(new Grant(userOf(token), "get", null, namespace, name));
    }

    public static void grant(Grant grant) {
        GRANTS.add(grant);
    }

    public static int reviewsOf(String token) {
        AtomicInteger count = REVIEWS_BY_TOKEN.get(token);
        return count == null ? 0 : count.get();
    }

    public static void failReviewsOf(String token, boolean failing) {
        if (failing) {
            FAILING_TOKENS.add(token);
        } else {
            FAILING_TOKENS.remove(token);
        }
    }

    public static void slowReviewsOf(String token, long millis) {
        SLOW_TOKENS.put(token, millis);
    }

    public static void failAccessReviews(boolean failing) {
        sarFailing = failing;
    }

    /** Every SubjectAccessReview's resource attributes, in arrival order. */
    public static List<ResourceAttributes> accessReviews() {
        return List.copyOf(SARS);
    }

    static void install(KubernetesServer server) {
        server.expect().post().withPath("/apis/authentication.k8s.io/v1/tokenreviews")
                .andReply(new Provider(FakeKubeAuth::tokenReview)).always();
        server.expect().post().withPath("/apis/authorization.k8s.io/v1/subjectaccessreviews")
                .andReply(new Provider(FakeKubeAuth::accessReview)).always();
        server.getKubernetesMockServer().setVersionInfo(new io.fabric8.kubernetes.client.VersionInfo.Builder()
                .withMajor("1").withMinor("20").withGitVersion("v1.20.2-mock").build());
    }

    private record Reply(int code, Object body) {
    }

    private static Reply tokenReview(RecordedRequest request) {
        TokenReview review = Serialization.unmarshal(request.getUtf8Body(), TokenReview.class);
        String token = review.getSpec().getToken();
        REVIEWS_BY_TOKEN.computeIfAbsent(token, t -> new AtomicInteger()).incrementAndGet();
        Long delay = SLOW_TOKENS.get(token);
        if (delay != null) {
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (FAILING_TOKENS.contains(token)) {
            return new Reply(500, Map.of("kind", "Status", "code", 500, "message", "etcd is on fire"));
        }
        String user = USERS_BY_TOKEN.get(token);
        review.setStatus(new io.fabric8.kubernetes.api.model.authentication.TokenReviewStatusBuilder()
                .withAuthenticated(user != null)
                .withNewUser().withUsername(user).withUid(user == null ? null : "uid-" + user)
                .withGroups(user == null ? null : List.of("system:authenticated")).endUser()
                .build());
        return new Reply(201, review);
    }

    private static Reply accessReview(RecordedRequest request) {
        if (sarFailing) {
            return new Reply(503, Map.of("kind", "Status", "code", 503));
        }
        SubjectAccessReview review = Serialization.unmarshal(request.getUtf8Body(), SubjectAccessReview.class);
        ResourceAttributes attributes = review.getSpec().getResourceAttributes();
        SARS.add(attributes);
        String user = review.getSpec().getUser();
        boolean allowed = GRANTS.stream().anyMatch(grant -> grant.user().equals(user)
                && grant.verb().equals(attributes.getVerb())
                && Objects.equals(grant.subresource(), emptyToNull(attributes.getSubresource()))
                && grant.namespace().equals(attributes.getNamespace())
                && (grant.name() == null || grant.name().equals(attributes.getName()))
                && "connectors.alauda.io".equals(attributes.getGroup())
                && "connectors".equals(attributes.getResource()));
        review.setStatus(new SubjectAccessReviewStatus(allowed, false, null, null));
        return new Reply(201, review);
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    /** Adapts a reply function to the mock server's provider interface. */
    private static final class Provider implements ResponseProvider<Object> {
        private final java.util.function.Function<RecordedRequest, Reply> replies;
        private final ThreadLocal<Reply> last = new ThreadLocal<>();
        private Headers headers = new Headers.Builder().add("Content-Type", "application/json").build();

        Provider(java.util.function.Function<RecordedRequest, Reply> replies) {
            this.replies = replies;
        }

        @Override
        public int getStatusCode(RecordedRequest request) {
            Reply reply = replies.apply(request);
            last.set(reply);
            return reply.code();
        }

        @Override
        public Object getBody(RecordedRequest request) {
            Reply reply = last.get();
            last.remove();
            return reply == null ? replies.apply(request).body() : reply.body();
        }

        @Override
        public Headers getHeaders() {
            return headers;
        }

        @Override
        public void setHeaders(Headers headers) {
            this.headers = headers;
        }
    }
}
