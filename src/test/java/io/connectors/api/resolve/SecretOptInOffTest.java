package io.connectors.api.resolve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.connectors.api.support.FakeKubeAuth;
import io.connectors.api.support.Fixtures;
import io.connectors.api.support.GatewayTest;
import io.connectors.api.support.MockCluster;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code connectors.secrets.require-label=false}: the upstream behaviour, any Secret of the Connector's namespace. */
@QuarkusTest
@TestProfile(SecretOptInOffTest.LabelNotRequired.class)
@WithKubernetesTestServer(crud = true, setup = MockCluster.class)
class SecretOptInOffTest extends GatewayTest {

    public static class LabelNotRequired implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("connectors.secrets.require-label", "false");
        }
    }

    @Test
    void unlabelledSecretIsUsed() throws Exception {
        String namespace = Fixtures.unique("upstream");
        String token = FakeKubeAuth.newToken("upstream");
        fixtures.connectorClass("upstream", null);
        fixtures.unlabelledSecret(namespace, "plain", "Opaque", Map.of("token", "unlabelled-token"));
        await().atMost(Fixtures.VISIBLE).until(() -> caches.secret(namespace, "plain").isPresent());
        fixtures.connector(namespace, "tool", "upstream", tool.url(), "plain", null);
        FakeKubeAuth.grantGet(token, namespace, "tool");

        as(token).get(apiPath(namespace, "tool") + "/x").then().statusCode(200);
        assertThat(tool.next().headers("authorization")).containsExactly("Bearer unlabelled-token");

        fixtures.connector(namespace, "no-secret", "upstream", tool.url(), "missing", null);
        FakeKubeAuth.grantGet(token, namespace, "no-secret");
        as(token).get(apiPath(namespace, "no-secret") + "/x").then().statusCode(500)
                .body("message", org.hamcrest.Matchers.endsWith("\"missing\" referenced by connector \"no-secret\" in namespace \""
                        + namespace + "\" not found"));
    }
}
