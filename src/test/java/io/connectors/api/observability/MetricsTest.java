package io.connectors.api.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.connectors.api.support.FakeKubeAuth;
import io.connectors.api.support.Fixtures;
import io.connectors.api.support.GatewayTest;
import io.connectors.api.support.MockCluster;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** One proxied request, then the series operators alert on are on /q/metrics, named as Prometheus renders them. */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = MockCluster.class)
class MetricsTest extends GatewayTest {

    @Test
    void proxiedRequestShowsUpInTheMetrics() throws Exception {
        String namespace = Fixtures.unique("metrics");
        String token = FakeKubeAuth.newToken("metrics");
        fixtures.connectorClass("metered", null);
        fixtures.secret(namespace, "tool-secret", "kubernetes.io/basic-auth", Map.of("username", "u", "password", "p"));
        fixtures.connector(namespace, "tool", "metered", tool.url(), "tool-secret", null);
        FakeKubeAuth.grantGet(token, namespace, "tool");

        // twice: the second time the token and the decision come from the review caches
        for (int i = 0; i < 2; i++) {
            as(token).get(apiPath(namespace, "tool") + "/api/v4/projects").then().statusCode(200);
            tool.next();
        }
        // a tool that cannot be reached: an upstream error, and a 502 by the gateway
        fixtures.connector(namespace, "gone", "metered", "http://127.0.0.1:1", "tool-secret", null);
        FakeKubeAuth.grantGet(token, namespace, "gone");
        as(token).get(apiPath(namespace, "gone") + "/x").then().statusCode(502);

        String metrics = management().get("/q/metrics").then().statusCode(200).extract().asString();

        assertThat(series(metrics, "connectors_requests_seconds_count",
                Map.of("namespace", namespace, "class", "metered", "mode", "proxy", "status", "200")))
                .isEqualTo(2.0);
        assertThat(series(metrics, "connectors_requests_seconds_count",
                Map.of("namespace", namespace, "class", "metered", "mode", "proxy", "status", "502")))
                .isEqualTo(1.0);
        assertThat(series(metrics, "connectors_upstream_requests_seconds_count",
                Map.of("mode", "proxy", "status_class", "2xx"))).isGreaterThanOrEqualTo(2.0);
        assertThat(series(metrics, "connectors_upstream_requests_seconds_count",
                Map.of("mode", "proxy", "status_class", "error"))).isGreaterThanOrEqualTo(1.0);
        assertThat(series(metrics, "connectors_upstream_requests_seconds_sum",
                Map.of("mode", "proxy", "status_class", "2xx"))).isGreaterThan(0.0);
        for (String kind : List.of("tokenreview", "subjectaccessreview")) {
            assertThat(series(metrics, "connectors_review_calls_seconds_count", Map.of("kind", kind)))
                    .as(kind + " calls").isGreaterThanOrEqualTo(1.0);
            assertThat(series(metrics, "connectors_review_cache_lookups_total", Map.of("kind", kind)))
                    .as(kind + " lookups").isGreaterThanOrEqualTo(3.0);
            assertThat(series(metrics, "connectors_review_cache_hits_total", Map.of("kind", kind)))
                    .as(kind + " hits").isGreaterThanOrEqualTo(1.0);
            assertThat(series(metrics, "connectors_review_failures_total", Map.of("kind", kind)))
                    .as(kind + " failures").isNotNull();
        }
        assertThat(series(metrics, "connectors_informer_objects", Map.of("resource", "connectors")))
                .isGreaterThanOrEqualTo(2.0);
        assertThat(series(metrics, "connectors_informer_objects", Map.of("resource", "secrets")))
                .isGreaterThanOrEqualTo(1.0);
        assertThat(series(metrics, "connectors_informer_objects", Map.of("resource", "connectorclasses")))
                .isGreaterThanOrEqualTo(1.0);
    }

    /** The value of the first sample of {@code name} carrying all these labels. */
    static Double series(String exposition, String name, Map<String, String> labels) {
        Pattern line = Pattern.compile("^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE);
        var matcher = line.matcher(exposition);
        while (matcher.find()) {
            String found = matcher.group(1);
            if (labels.entrySet().stream().allMatch(label -> found.contains(label.getKey() + "=\"" + label.getValue() + "\""))) {
                return Double.valueOf(matcher.group(2));
            }
        }
        throw new AssertionError("no series " + name + labels + " in:\n" + exposition.lines()
                .filter(l -> l.startsWith(name.replaceAll("_(count|sum|total)$", ""))).reduce("", (a, b) -> a + b + "\n"));
    }
}
