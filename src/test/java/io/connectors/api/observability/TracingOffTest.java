package io.connectors.api.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.connectors.api.support.FakeKubeAuth;
import io.connectors.api.support.Fixtures;
import io.connectors.api.support.GatewayTest;
import io.connectors.api.support.MockCluster;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import org.junit.jupiter.api.Test;

/** Tracing is off by default: the gateway adds no trace context, and a caller's goes through as it is. */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = MockCluster.class)
class TracingOffTest extends GatewayTest {

    @Test
    void callersTraceparentPassesThroughUnchanged() throws Exception {
        String namespace = Fixtures.unique("notrace");
        String token = FakeKubeAuth.newToken("notrace");
        fixtures.connectorClass("untraced", null);
        fixtures.connector(namespace, "tool", "untraced", tool.url(), null, null);
        FakeKubeAuth.grantGet(token, namespace, "tool");

        as(token).get(apiPath(namespace, "tool") + "/x").then().statusCode(200);
        assertThat(tool.next().headers("traceparent")).isEmpty();

        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        as(token).header("traceparent", traceparent).get(apiPath(namespace, "tool") + "/x").then().statusCode(200);
        assertThat(tool.next().headers("traceparent")).containsExactly(traceparent);
    }
}
