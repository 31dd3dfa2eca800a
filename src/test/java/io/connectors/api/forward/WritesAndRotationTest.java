package io.connectors.api.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.connectors.api.support.FakeKubeAuth;
import io.connectors.api.support.FakeTool.Seen;
import io.connectors.api.support.Fixtures;
import io.connectors.api.support.GatewayTest;
import io.connectors.api.support.MockCluster;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = MockCluster.class)
class WritesAndRotationTest extends GatewayTest {

    private static final String WRITE_PASSTHROUGH = "enable-connector-apis-write-passthrough";

    private String namespace;
    private String connector;
    private String token;

    @BeforeEach
    void connector() {
        namespace = Fixtures.unique("writes");
        connector = "tool";
        token = FakeKubeAuth.newToken("writer");
        fixtures.connectorClass("plain", null);
        fixtures.secret(namespace, "creds", "connectors.cpaas.io/bearer-token", Map.of("token", "first"));
        fixtures.connector(namespace, connector, "plain", tool.url(), "creds", null);
        FakeKubeAuth.grantGet(token, namespace, connector);
    }

    @AfterEach
    void writesOff() {
        fixtures.flag(WRITE_PASSTHROUGH, false);
    }

    @Test
    void writesAre405UntilTheFlagIsOnThenForwardedWithoutRestart() throws Exception {
        fixtures.flag(WRITE_PASSTHROUGH, false);
        for (String method : new String[] {"POST", "PUT", "PATCH", "DELETE"}) {
            as(token).body("{}").request(method, apiPath(namespace, connector) + "/api/items")
                    .then().statusCode(405).body("reason", equalTo("MethodNotAllowed"));
        }
        assertThat(tool.pending()).isZero();

        fixtures.flag(WRITE_PASSTHROUGH, true);
        as(token).contentType("application/json").body("{\"name\":\"new\"}")
                .post(apiPath(namespace, connector) + "/api/items?dry=1").then().statusCode(200);
        Seen post = tool.next();
        assertThat(post.method()).isEqualTo("POST");
        assertThat(post.uri()).isEqualTo("/api/items?dry=1");
        assertThat(post.body()).isEqualTo("{\"name\":\"new\"}");
        assertThat(post.headers("authorization")).containsExactly("Bearer first");

        as(token).delete(apiPath(namespace, connector) + "/api/items/7").then().statusCode(200);
        assertThat(tool.next().method()).isEqualTo("DELETE");
    }

    @Test
    void unsupportedMethodsAre405() {
        as(token).request("TRACE", apiPath(namespace, connector) + "/x").then().statusCode(405);
    }

    @Test
    void rotatedSecretIsUsedByTheNextRequest() throws Exception {
        as(token).get(apiPath(namespace, connector) + "/x").then().statusCode(200);
        assertThat(tool.next().headers("authorization")).containsExactly("Bearer first");
        fixtures.secret(namespace, "creds", "connectors.cpaas.io/bearer-token", Map.of("token", "second"));
        as(token).get(apiPath(namespace, connector) + "/x").then().statusCode(200);
        assertThat(tool.next().headers("authorization")).containsExactly("Bearer second");
    }

    @Test
    void deletedConnectorIs404ForAnAllowedCaller() {
        client.resources(io.connectors.api.model.Connector.class).inNamespace(namespace).withName(connector).delete();
        await().atMost(Duration.ofSeconds(10)).until(() -> caches.connector(namespace, connector).isEmpty());
        as(token).get(apiPath(namespace, connector) + "/x").then().statusCode(404).body("reason", equalTo("NotFound"));
    }
}
