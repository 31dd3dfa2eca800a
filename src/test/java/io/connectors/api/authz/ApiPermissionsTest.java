package io.connectors.api.authz;

import static org.assertj.core.api.Assertions.assertThat;

import io.connectors.api.model.ConnectorClassSpec.ApiSpec;
import io.connectors.api.model.ModelFixtures;
import io.connectors.api.support.FakeKubeAuth;
import io.connectors.api.support.FakeKubeAuth.Grant;
import io.connectors.api.support.Fixtures;
import io.connectors.api.support.GatewayTest;
import io.connectors.api.support.MockCluster;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Spec §4.4: the permission matrix with {@code enable-connector-apis-permissions} on and off. */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = MockCluster.class)
class ApiPermissionsTest extends GatewayTest {

    private static final String PERMISSIONS = "enable-connector-apis-permissions";
    private static final String WRITE_PASSTHROUGH = "enable-connector-apis-write-passthrough";
    private static final String TEMPLATE = "/api/v4/projects/{id}/repository/branches";

    private String namespace;
    private String className;
    private final String connector = "gitlab";

    @BeforeEach
    void connector() {
        namespace = Fixtures.unique("perm");
        className = Fixtures.unique("gitlab");
        fixtures.connectorClass(className, new ApiSpec(null, tool.url(), ModelFixtures.json("""
                {"paths": {"%s": {"get": {"x-provider-type": "api"}, "post": {}},
                           "/api/v4/projects/{id}": {"get": {}}}}""".formatted(TEMPLATE))));
        fixtures.connector(namespace, connector, className, tool.url(), null, null);
        fixtures.flag(WRITE_PASSTHROUGH, true);
        fixtures.flag(PERMISSIONS, true);
    }

    @AfterEach
    void flagsOff() {
        fixtures.flag(PERMISSIONS, false);
        fixtures.flag(WRITE_PASSTHROUGH, false);
    }

    /** A caller who may get the Connector, plus these API grants (verb, subresource). */
    private String caller(String... verbsAndSubresources) {
        String token = FakeKubeAuth.newToken("perm");
        FakeKubeAuth.grantGet(token, namespace, connector);
        for (int i = 0; i < verbsAndSubresources.length; i += 2) {
            FakeKubeAuth.grant(new Grant(FakeKubeAuth.userOf(token), verbsAndSubresources[i],
                    verbsAndSubresources[i + 1], namespace, connector));
        }
        return token;
    }

    private int status(String token, String method, String apiPath) {
        int code = as(token).body("{}").request(method, apiPath(namespace, connector) + apiPath).statusCode();
        if (code == 200) {
            tool.clear();
        }
        return code;
    }

    /** "verb subresource" of every API review in this test's namespace, in order. */
    private List<String> reviewedSubresources() {
        return FakeKubeAuth.accessReviews().stream()
                .filter(attributes -> attributes.getSubresource() != null && !attributes.getSubresource().isEmpty())
                .filter(attributes -> namespace.equals(attributes.getNamespace()))
                .map(attributes -> attributes.getVerb() + " " + attributes.getSubresource())
                .toList();
    }

    @Test
    void flagOffNeedsOnlyGetOnTheConnector() {
        fixtures.flag(PERMISSIONS, false);
        String token = caller();
        assertThat(status(token, "GET", "/api/v4/projects/1/repository/branches")).isEqualTo(200);
        assertThat(status(token, "POST", "/api/v4/projects/1/repository/branches")).isEqualTo(200);
        assertThat(reviewedSubresources()).isEmpty();
    }

    @Test
    void aClassWideGrantAllowsItsVerbOnEveryPath() {
        String token = caller("get", "apis/" + className);
        assertThat(status(token, "GET", "/api/v4/projects/1/repository/branches")).isEqualTo(200);
        assertThat(status(token, "GET", "/api/v4/projects/1")).isEqualTo(200);
        assertThat(status(token, "GET", "/not/in/the/document")).isEqualTo(200);
        assertThat(status(token, "HEAD", "/api/v4/projects/1")).isEqualTo(200);
        assertThat(status(token, "POST", "/api/v4/projects/1/repository/branches")).isEqualTo(403);

        String writer = caller("get", "apis/" + className, "create", "apis/" + className);
        assertThat(status(writer, "POST", "/api/v4/projects/1/repository/branches")).isEqualTo(200);
    }

    @Test
    void aTemplateGrantAllowsOnlyThatPathAndVerb() {
        String token = caller("get", "apis/" + className + TEMPLATE);
        assertThat(status(token, "GET", "/api/v4/projects/group%2Fproject/repository/branches")).isEqualTo(200);
        assertThat(reviewedSubresources()).containsSubsequence(
                "get apis/" + className, "get apis/" + className + TEMPLATE);
        assertThat(status(token, "GET", "/api/v4/projects/1")).isEqualTo(403);
        assertThat(status(token, "GET", "/not/in/the/document")).isEqualTo(403);
        assertThat(status(token, "POST", "/api/v4/projects/1/repository/branches")).isEqualTo(403);

        String writer = caller("create", "apis/" + className + TEMPLATE);
        assertThat(status(writer, "POST", "/api/v4/projects/1/repository/branches")).isEqualTo(200);
        assertThat(status(writer, "GET", "/api/v4/projects/1/repository/branches")).isEqualTo(403);
    }

    @Test
    void neitherGrantIs403AndNothingIsSent() {
        String token = caller();
        as(token).get(apiPath(namespace, connector) + "/api/v4/projects/1/repository/branches").then().statusCode(403)
                .body("reason", org.hamcrest.Matchers.equalTo("Forbidden"))
                .body("message", org.hamcrest.Matchers.containsString("apis/" + className + TEMPLATE));
        assertThat(status(token, "GET", "/unmatched")).isEqualTo(403);
        assertThat(status(token, "POST", "/unmatched")).isEqualTo(403);
        assertThat(tool.pending()).isZero();
    }

    @Test
    void theLegacyRouteIsNoWayAroundThePermission() {
        String legacy = "/connectors/v1alpha1/namespaces/" + namespace + "/connectors/" + connector + "/resources/gitrefs";
        assertThat(as(caller()).get(legacy).statusCode()).isEqualTo(403);
        assertThat(as(caller("get", "apis/" + className)).get(legacy).statusCode()).isEqualTo(200);
    }

    @Test
    void aWebSocketUpgradeNeedsTheCreatePermission() {
        // As Kubernetes authorises exec/attach over WebSocket: the channel can write, so the verb is create.
        String reader = caller("get", "apis/" + className);
        assertThat(upgrade(reader)).containsExactly(403);
        assertThat(reviewedSubresources()).contains("create apis/" + className);
        assertThat(tool.pending()).isZero();
        String writer = caller("create", "apis/" + className);
        assertThat(upgrade(writer)).containsExactly(101);
    }

    private List<Integer> upgrade(String token) {
        return io.connectors.api.support.RawHttp.converse("GET " + apiPath(namespace, connector)
                + "/api/v4/projects/1/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n", java.time.Duration.ofSeconds(5), 1).statuses();
    }
}
