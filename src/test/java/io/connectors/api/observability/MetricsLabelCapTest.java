package io.connectors.api.observability;

import static io.connectors.api.observability.MetricsTest.series;
import static org.assertj.core.api.Assertions.assertThat;

import io.connectors.api.support.FakeKubeAuth;
import io.connectors.api.support.Fixtures;
import io.connectors.api.support.GatewayTest;
import io.connectors.api.support.MockCluster;
import io.connectors.api.web.RequestLabelCap;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With {@code connectors.metrics.max-label-values=2}, authorised requests to five namespaces make two series plus {@code _other}. */
@QuarkusTest
@TestProfile(MetricsLabelCapTest.SmallCap.class)
@WithKubernetesTestServer(crud = true, setup = MockCluster.class)
class MetricsLabelCapTest extends GatewayTest {

    public static class SmallCap implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("connectors.metrics.max-label-values", "2");
        }
    }

    @Test
    void namespacesBeyondTheCapShareOneSeries() throws Exception {
        String token = FakeKubeAuth.newToken("capped");
        fixtures.connectorClass("capped", null);
        List<String> namespaces = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String namespace = Fixtures.unique("cap");
            namespaces.add(namespace);
            fixtures.connector(namespace, "tool", "capped", tool.url(), null, null);
            FakeKubeAuth.grantGet(token, namespace, "tool");
        }
        for (String namespace : namespaces) {
            as(token).get(apiPath(namespace, "tool") + "/x").then().statusCode(200);
            tool.next();
        }

        String metrics = management().get("/q/metrics").then().statusCode(200).extract().asString();
        long labelled = metrics.lines().filter(line -> line.startsWith("connectors_requests_seconds_count{"))
                .filter(line -> namespaces.stream().anyMatch(ns -> line.contains("namespace=\"" + ns + "\"")))
                .count();
        assertThat(labelled).isEqualTo(2);
        assertThat(series(metrics, "connectors_requests_seconds_count", Map.of("namespace", RequestLabelCap.OTHER,
                "class", RequestLabelCap.OTHER, "mode", "proxy", "status", "200"))).isEqualTo(3.0);
    }
}
