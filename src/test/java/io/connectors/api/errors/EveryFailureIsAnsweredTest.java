package io.connectors.api.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.connectors.api.model.Connector;
import io.connectors.api.model.ConnectorSpec;
import io.connectors.api.model.LocalReference;
import io.connectors.api.support.FakeKubeAuth;
import io.connectors.api.support.Fixtures;
import io.connectors.api.support.GatewayTest;
import io.connectors.api.support.MockCluster;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.response.Response;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Failures that used to happen after a stage had already succeeded, where nothing answered the
 * caller: each must now end in a Status. The client gives up after 10 s, so a hang fails the test
 * instead of hanging it.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = MockCluster.class)
class EveryFailureIsAnsweredTest extends GatewayTest {

    private static final String CUSTOM_CA = "enable-custom-ca-certs";
    private static final RestAssuredConfig GIVE_UP_AFTER_10S = RestAssuredConfig.config().httpClient(
            HttpClientConfig.httpClientConfig().setParam("http.socket.timeout", 10_000)
                    .setParam("http.connection.timeout", 10_000));

    private String namespace;
    private String token;

    @BeforeEach
    void caller() {
        namespace = Fixtures.unique("answered");
        token = FakeKubeAuth.newToken("answered");
        fixtures.connectorClass("plain", null);
    }

    @AfterEach
    void customCaOff() {
        fixtures.flag(CUSTOM_CA, false);
    }

    @Test
    void aCaSecretThatDoesNotParseIsA500Status() {
        fixtures.secret(namespace, "bad-ca", "Opaque", Map.of("ca.crt",
                "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n"));
        Connector connector = new Connector();
        connector.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName("tls-tool").build());
        // The fake tool speaks plain HTTP: no TLS handshake there could succeed, but none is attempted.
        connector.setSpec(new ConnectorSpec("plain", tool.url().replace("http://", "https://"), null, null, null,
                new LocalReference("bad-ca")));
        Connector created = client.resource(connector).create();
        fixtures.awaitConnector(namespace, "tls-tool", created.getMetadata().getResourceVersion());
        FakeKubeAuth.grantGet(token, namespace, "tls-tool");
        fixtures.flag(CUSTOM_CA, true);

        Response response = as(token).config(GIVE_UP_AFTER_10S).get(apiPath(namespace, "tls-tool") + "/x");
        response.then().statusCode(500).body("kind", equalTo("Status")).body("reason", equalTo("InternalError"))
                .body("message", containsString("CA certificates"));
        assertThat(tool.pending()).isZero();
    }

    @Test
    void aSecretValueThatCannotBeAHeaderIsA500StatusWithoutTheValue() {
        fixtures.secret(namespace, "crlf", "connectors.cpaas.io/bearer-token",
                Map.of("token", "abc\r\nX-Injected: yes"));
        fixtures.connector(namespace, "c", "plain", tool.url(), "crlf", null);
        FakeKubeAuth.grantGet(token, namespace, "c");

        Response response = as(token).config(GIVE_UP_AFTER_10S).get(apiPath(namespace, "c") + "/x");
        response.then().statusCode(500).body("kind", equalTo("Status"));
        assertThat(response.asString()).doesNotContain("abc").doesNotContain("X-Injected");
        assertThat(tool.pending()).isZero();
    }
}
