package io.connectors.api.resolve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.connectors.api.support.FakeKubeAuth;
import io.connectors.api.support.Fixtures;
import io.connectors.api.support.GatewayTest;
import io.connectors.api.support.MockCluster;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * With {@code connectors.secrets.require-label=true} (the default) a Connector can only spend a
 * Secret labelled {@code connectors.cpaas.io/connector-secret: "true"}: whoever may write a
 * Connector but not read Secrets cannot send another Secret of the namespace to a server of theirs.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = MockCluster.class)
class SecretOptInTest extends GatewayTest {

    static final String VALUE = "value-of-a-secret-nobody-opted-in";
    static final String NOT_USABLE = "not found or not labelled connectors.cpaas.io/connector-secret=true";

    private String namespace;
    private String token;

    @BeforeEach
    void caller() {
        namespace = Fixtures.unique("optin");
        token = FakeKubeAuth.newToken("optin");
        fixtures.connectorClass("optin", null);
    }

    /** An unlabelled Secret of a supported type, created before a labelled one that the gateway is seen to hold. */
    private void unlabelledTokenSecret(String name) {
        fixtures.unlabelledSecret(namespace, name, "Opaque", Map.of("token", VALUE));
        // One watch stream delivers both in order: once the later one is in the cache, the
        // unlabelled one would be too, had the gateway selected it.
        fixtures.secret(namespace, name + "-later", "kubernetes.io/basic-auth", Map.of("username", "u", "password", "p"));
    }

    private String connectorTo(String secret) {
        String name = Fixtures.unique("c");
        fixtures.connector(namespace, name, "optin", tool.url(), secret, null);
        FakeKubeAuth.grantGet(token, namespace, name);
        return name;
    }

    @Test
    void unlabelledSecretIsNeitherHeldNorSentAnywhere() {
        unlabelledTokenSecret("someone-elses");
        assertThat(caches.holds(namespace, "someone-elses")).isFalse();
        assertThat(caches.holds(namespace, "someone-elses-later")).isTrue();
        String connector = connectorTo("someone-elses");

        Response response = as(token).get(apiPath(namespace, connector) + "/x");

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.jsonPath().getString("kind")).isEqualTo("Status");
        assertThat(response.jsonPath().getString("reason")).isEqualTo("InternalError");
        assertThat(response.jsonPath().getString("message")).isEqualTo("secret \"someone-elses\" referenced by connector \""
                + connector + "\" in namespace \"" + namespace + "\" " + NOT_USABLE);
        assertThat(response.asString()).doesNotContain(VALUE)
                .doesNotContain(Base64.getEncoder().encodeToString(VALUE.getBytes(StandardCharsets.UTF_8)));
        assertThat(tool.pending()).isZero();
    }

    @Test
    void missingAndUnlabelledSecretsAnswerAlike() {
        unlabelledTokenSecret("exists");
        String toUnlabelled = connectorTo("exists");
        String toMissing = connectorTo("does-not-exist");

        Response unlabelled = as(token).get(apiPath(namespace, toUnlabelled) + "/x");
        Response missing = as(token).get(apiPath(namespace, toMissing) + "/x");

        assertThat(missing.statusCode()).isEqualTo(unlabelled.statusCode()).isEqualTo(500);
        assertThat(missing.jsonPath().getString("message").replace("does-not-exist", "exists").replace(toMissing, "C"))
                .isEqualTo(unlabelled.jsonPath().getString("message").replace(toUnlabelled, "C"))
                .endsWith(NOT_USABLE);
        assertThat(tool.pending()).isZero();
    }

    @Test
    void theSameSecretOnceLabelledIsUsed() throws Exception {
        unlabelledTokenSecret("opted-in");
        String connector = connectorTo("opted-in");
        as(token).get(apiPath(namespace, connector) + "/x").then().statusCode(500);

        client.secrets().inNamespace(namespace).withName("opted-in").edit(secret -> new SecretBuilder(secret)
                .editMetadata().addToLabels(InformerCaches.CONNECTOR_SECRET_LABEL, "true").endMetadata().build());
        await().atMost(Fixtures.VISIBLE).until(() -> caches.secret(namespace, "opted-in").isPresent());

        as(token).get(apiPath(namespace, connector) + "/x").then().statusCode(200);
        assertThat(tool.next().headers("authorization")).containsExactly("Bearer " + VALUE);
    }

    @Test
    void caSecretsOfTheSystemNamespaceNeedOnlyTheirOwnLabelAndAreNoCredentials() {
        String name = Fixtures.unique("ca");
        client.secrets().inNamespace("connectors-system").resource(new SecretBuilder().withNewMetadata()
                .withName(name).withNamespace("connectors-system")
                .addToLabels(InformerCaches.CA_CERT_LABEL, "true").endMetadata()
                .addToStringData("ca.crt", "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n").build()).create();

        await().atMost(Fixtures.VISIBLE).until(() -> caches.caCertSecrets().stream()
                .anyMatch(secret -> secret.getMetadata().getName().equals(name)));
        assertThat(caches.secret("connectors-system", name)).isEmpty();
    }
}
