package io.connectors.api.observability;

import static io.connectors.api.observability.MetricsTest.series;
import static org.assertj.core.api.Assertions.assertThat;

import io.connectors.api.support.FakeKubeAuth;
import io.connectors.api.support.Fixtures;
import io.connectors.api.support.GatewayTest;
import io.connectors.api.support.MockCluster;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.RestAssured;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What reaches /q/metrics: no value an unauthorised caller chose, no path and no query string of
 * any request; and /q/metrics and /q/health only on the management port.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = MockCluster.class)
class MetricsExposureTest extends GatewayTest {

    private static final int REQUESTS = 20;

    @Test
    void unauthorisedRequestsLeaveNoTraceOfTheirNamespaces() {
        String marker = "m" + UUID.randomUUID().toString().replace("-", "");
        String noGrant = FakeKubeAuth.newToken("nogrant");
        double before401 = requests("401");
        double before403 = requests("403");
        for (int i = 0; i < REQUESTS; i++) {
            String path = apiPath(marker + "-ns" + i, marker + "-c" + i) + "/x";
            RestAssured.given().urlEncodingEnabled(false).get(path).then().statusCode(401);
            as("not-a-known-token-" + i).get(path).then().statusCode(401);
            as(noGrant).get(path).then().statusCode(403);
            // the legacy and OpenAPI routes label requests too
            as(noGrant).get("/connectors/v1alpha1/namespaces/" + marker + "-ns" + i + "/connectors/c/resources/r")
                    .then().statusCode(403);
            as(noGrant).get("/connectors/v1alpha1/" + marker + "-ns" + i + "/c/openapi").then().statusCode(403);
            as(noGrant).get("/connectors/v1alpha1/connectorclasses/" + marker + "-class" + i + "/openapi")
                    .then().statusCode(404);
        }

        String metrics = scrape();
        assertThat(metrics).doesNotContain(marker);
        // still counted, under "-"
        assertThat(requests(metrics, "401") - before401).isGreaterThanOrEqualTo(2.0 * REQUESTS);
        assertThat(requests(metrics, "403") - before403).isGreaterThanOrEqualTo(3.0 * REQUESTS);
    }

    @Test
    void pathsAndQueryStringsNeverReachTheMetrics() throws Exception {
        String namespace = Fixtures.unique("quiet");
        String token = FakeKubeAuth.newToken("quiet");
        fixtures.connectorClass("quiet", null);
        fixtures.connector(namespace, "tool", "quiet", tool.url(), null, null);
        FakeKubeAuth.grantGet(token, namespace, "tool");
        String pathMarker = "p" + UUID.randomUUID().toString().replace("-", "");
        String queryMarker = "q" + UUID.randomUUID().toString().replace("-", "");

        as(token).get(apiPath(namespace, "tool") + "/api/" + pathMarker + "?private_token=" + queryMarker)
                .then().statusCode(200);
        assertThat(tool.next().uri()).contains(pathMarker).contains(queryMarker);
        as(token).get(apiPath(namespace, "unknown-" + pathMarker) + "/x?q=" + queryMarker).then().statusCode(403);
        RestAssured.given().urlEncodingEnabled(false).get(apiPath(namespace, "tool") + "/" + pathMarker + "?q="
                + queryMarker).then().statusCode(401);
        RestAssured.given().urlEncodingEnabled(false).get("/" + pathMarker + "?q=" + queryMarker).then().statusCode(404);
        RestAssured.given().urlEncodingEnabled(false).get("/q/" + pathMarker + "?q=" + queryMarker).then().statusCode(404);

        String metrics = scrape();
        assertThat(metrics).doesNotContain(pathMarker).doesNotContain(queryMarker);
        // the authorised request keeps its namespace and class
        assertThat(series(metrics, "connectors_requests_seconds_count",
                Map.of("namespace", namespace, "class", "quiet", "mode", "proxy", "status", "200"))).isEqualTo(1.0);
        // JVM metrics stay
        assertThat(metrics).contains("jvm_memory_used_bytes");
    }

    @Test
    void healthAndMetricsAreServedOnTheManagementPortOnly() {
        assertThat(managementUrl.getPort()).isNotEqualTo(RestAssured.port);
        for (String path : List.of("/q/metrics", "/q/health", "/q/health/live", "/q/health/ready")) {
            RestAssured.get(path).then().statusCode(404);
        }
        management().get("/q/metrics").then().statusCode(200);
        management().get("/q/health/live").then().statusCode(200);
    }

    private String scrape() {
        return management().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    private double requests(String status) {
        return requests(scrape(), status);
    }

    /** Requests labelled "-" (namespace and class) with this status; 0 before the first. */
    private static double requests(String metrics, String status) {
        try {
            return series(metrics, "connectors_requests_seconds_count",
                    Map.of("namespace", "-", "class", "-", "mode", "-", "status", status));
        } catch (AssertionError none) {
            return 0;
        }
    }
}
