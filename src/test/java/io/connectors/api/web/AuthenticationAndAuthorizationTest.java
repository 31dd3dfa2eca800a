package io.connectors.api.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.connectors.api.support.FakeKubeAuth;
import io.connectors.api.support.Fixtures;
import io.connectors.api.support.GatewayTest;
import io.connectors.api.support.MockCluster;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = MockCluster.class)
class AuthenticationAndAuthorizationTest extends GatewayTest {

    private String namespace;
    private String connector;

    @BeforeEach
    void connector() {
        namespace = Fixtures.unique("authn");
        connector = "tool";
        fixtures.connectorClass("plain", null);
        fixtures.connector(namespace, connector, "plain", tool.url(), null, null);
    }

    private static void assertStatus(Response response, int code, String reason) {
        response.then().statusCode(code)
                .contentType("application/json")
                .body("kind", equalTo("Status"))
                .body("apiVersion", equalTo("v1"))
                .body("status", equalTo("Failure"))
                .body("reason", equalTo(reason))
                .body("code", equalTo(code));
    }

    @Test
    void noTokenIs401() {
        assertStatus(RestAssured.given().get(apiPath(namespace, connector) + "/x"), 401, "Unauthorized");
        assertThat(tool.pending()).isZero();
    }

    @Test
    void otherSchemeIs401() {
        assertStatus(RestAssured.given().header("Authorization", "Basic YTpi").get(apiPath(namespace, connector) + "/x"),
                401, "Unauthorized");
    }

    @Test
    void invalidTokenIs401() {
        assertStatus(as("not-a-known-token").get(apiPath(namespace, connector) + "/x"), 401, "Unauthorized");
        assertThat(tool.pending()).isZero();
    }

    @Test
    void schemeIsCaseInsensitive() {
        String token = FakeKubeAuth.newToken("scheme");
        FakeKubeAuth.grantGet(token, namespace, connector);
        RestAssured.given().header("Authorization", "bEaReR " + token).get(apiPath(namespace, connector) + "/x")
                .then().statusCode(200);
    }

    @Test
    void deniedIs403() {
        String token = FakeKubeAuth.newToken("denied");
        assertStatus(as(token).get(apiPath(namespace, connector) + "/x"), 403, "Forbidden");
        assertThat(tool.pending()).isZero();
    }

    @Test
    void missingConnectorLooksTheSameAsDeniedWithoutAccess() {
        String token = FakeKubeAuth.newToken("prober");
        Response existing = as(token).get(apiPath(namespace, connector) + "/x");
        Response missing = as(token).get(apiPath(namespace, "does-not-exist") + "/x");
        assertStatus(existing, 403, "Forbidden");
        assertStatus(missing, 403, "Forbidden");
        // Same words apart from the name: nothing tells the prober whether the Connector exists.
        assertThat(missing.jsonPath().getString("message").replace("does-not-exist", connector))
                .isEqualTo(existing.jsonPath().getString("message"));
    }

    @Test
    void missingConnectorAfterAllowedAccessIs404() {
        String token = FakeKubeAuth.newToken("allowed");
        FakeKubeAuth.grantGet(token, namespace, "ghost");
        assertStatus(as(token).get(apiPath(namespace, "ghost") + "/x"), 404, "NotFound");
    }

    @Test
    void failingTokenReviewIs503AndNotCached() {
        String token = FakeKubeAuth.newToken("flaky");
        FakeKubeAuth.grantGet(token, namespace, connector);
        FakeKubeAuth.failReviewsOf(token, true);
        Response failed = as(token).get(apiPath(namespace, connector) + "/x");
        assertStatus(failed, 503, "ServiceUnavailable");
        assertThat(failed.asString()).doesNotContain(token).doesNotContain("etcd is on fire");
        FakeKubeAuth.failReviewsOf(token, false);
        as(token).get(apiPath(namespace, connector) + "/x").then().statusCode(200);
        assertThat(FakeKubeAuth.reviewsOf(token)).isEqualTo(2);
    }

    @Test
    void failingAccessReviewIs503() {
        String token = FakeKubeAuth.newToken("sar-down");
        FakeKubeAuth.grantGet(token, namespace, connector);
        FakeKubeAuth.failAccessReviews(true);
        try {
            assertStatus(as(token).get(apiPath(namespace, connector) + "/x"), 503, "ServiceUnavailable");
        } finally {
            FakeKubeAuth.failAccessReviews(false);
        }
        as(token).get(apiPath(namespace, connector) + "/x").then().statusCode(200);
    }

    @Test
    void validTokenIsReviewedOnceWhileCached() {
        String token = FakeKubeAuth.newToken("cached");
        FakeKubeAuth.grantGet(token, namespace, connector);
        for (int i = 0; i < 5; i++) {
            as(token).get(apiPath(namespace, connector) + "/x").then().statusCode(200);
        }
        assertThat(FakeKubeAuth.reviewsOf(token)).isEqualTo(1);
    }

    @Test
    void concurrentRequestsWithOneTokenMakeOneTokenReview() throws Exception {
        String token = FakeKubeAuth.newToken("burst");
        FakeKubeAuth.grantGet(token, namespace, connector);
        // A slow review keeps every request of the burst waiting on the same look-up.
        FakeKubeAuth.slowReviewsOf(token, 500);
        int requests = 20;
        ExecutorService pool = Executors.newFixedThreadPool(requests);
        try {
            List<CompletableFuture<Integer>> codes = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                codes.add(CompletableFuture.supplyAsync(
                        () -> as(token).get(apiPath(namespace, connector) + "/x").statusCode(), pool));
            }
            for (CompletableFuture<Integer> code : codes) {
                assertThat(code.get(30, TimeUnit.SECONDS)).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(FakeKubeAuth.reviewsOf(token)).isEqualTo(1);
    }

    @Test
    void accessReviewAsksForGetOnTheConnector() {
        String token = FakeKubeAuth.newToken("sar-shape");
        FakeKubeAuth.grantGet(token, namespace, connector);
        as(token).get(apiPath(namespace, connector) + "/x").then().statusCode(200);
        assertThat(FakeKubeAuth.accessReviews()).anySatisfy(sar -> assertThat(Map.of(
                "verb", sar.getVerb(), "group", sar.getGroup(), "resource", sar.getResource(),
                "namespace", sar.getNamespace(), "name", sar.getName()))
                .isEqualTo(Map.of("verb", "get", "group", "connectors.alauda.io", "resource", "connectors",
                        "namespace", namespace, "name", connector)));
    }
}
