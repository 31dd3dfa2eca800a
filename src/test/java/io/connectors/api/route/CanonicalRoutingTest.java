package io.connectors.api.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.connectors.api.model.ConnectorClassSpec.ApiSpec;
import io.connectors.api.model.ModelFixtures;
import io.connectors.api.support.FakeKubeAuth;
import io.connectors.api.support.Fixtures;
import io.connectors.api.support.GatewayTest;
import io.connectors.api.support.MockCluster;
import io.connectors.api.support.RawHttp;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Routes, permissions and forwarding all see one canonical path: another spelling of a path can
 * neither flip a request from the custom API to the tool, nor dodge a path-template permission,
 * nor reach the tool as a different path than the one authorised.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = MockCluster.class)
class CanonicalRoutingTest extends GatewayTest {

    private static final String PERMISSIONS = "enable-connector-apis-permissions";
    private static final String OPENAPI = """
            {"openapi": "3.0.1", "info": {"title": "t", "version": "1"}, "paths": {
              "/plugin/gitrefs": {"get": {"x-provider-type": "api"}},
              "/api/v4/projects/{id}": {"get": {}}
            }}""";

    private String namespace;
    private String className;
    private String token;

    @BeforeEach
    void connector() {
        namespace = Fixtures.unique("canon");
        className = Fixtures.unique("cls");
        token = FakeKubeAuth.newToken("canon");
        fixtures.connectorClass(className, new ApiSpec(null, tool.url() + "/custom", ModelFixtures.json(OPENAPI)));
        fixtures.connector(namespace, "c", className, tool.url() + "/tool", null, null);
        FakeKubeAuth.grantGet(token, namespace, "c");
    }

    @AfterEach
    void permissionsOff() {
        fixtures.flag(PERMISSIONS, false);
    }

    private String forwardedUri(String apiPath) throws InterruptedException {
        as(token).get(apiPath(namespace, "c") + apiPath).then().statusCode(200);
        return tool.next().uri();
    }

    @Test
    void anEncodedUnreservedCharacterDoesNotFlipTheCustomApiToTheTool() throws Exception {
        assertThat(forwardedUri("/plugin/gitrefs")).isEqualTo("/custom/plugin/gitrefs");
        assertThat(forwardedUri("/plugin/gitref%73")).isEqualTo("/custom/plugin/gitrefs");
        assertThat(forwardedUri("/%70lugin/gitrefs?x=%73")).isEqualTo("/custom/plugin/gitrefs?x=%73");
        assertThat(forwardedUri("//plugin//gitrefs")).isEqualTo("/custom/plugin/gitrefs");
        assertThat(forwardedUri("/api/v4/projects/group%2fproject")).isEqualTo("/tool/api/v4/projects/group%2Fproject");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/plugin/..;/admin", "/plugin/%2e%2e;/admin", "/x/%252e%252e/admin", "/x/%2e%2e/admin",
            "/x/..%2fadmin", "/x/%252e%252e%252fadmin", "/x/.%2e/admin", "/x/..%00", "/x/..%5cadmin", "/x/.;/admin"})
    void dotSegmentsInEverySpellingAre400BeforeAnyPermissionCheck(String apiPath) {
        String stranger = FakeKubeAuth.newToken("stranger");
        String connector = Fixtures.unique("nobody-may");
        // Written on a socket as is: HTTP clients would resolve dot segments before sending.
        RawHttp.Answer answer = RawHttp.get(apiPath(namespace, connector) + apiPath, stranger);
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body()).contains("\"kind\":\"Status\"").contains("\"reason\":\"BadRequest\"");
        assertThat(FakeKubeAuth.accessReviews()).noneMatch(review -> connector.equals(review.getName()));
        assertThat(tool.pending()).isZero();
    }

    @Test
    void aTemplatePermissionAppliesToEverySpellingAndWhatIsForwardedIsWhatWasAuthorised() throws Exception {
        String user = FakeKubeAuth.userOf(token);
        FakeKubeAuth.grant(new FakeKubeAuth.Grant(user, "get", "apis/" + className + "/api/v4/projects/{id}",
                namespace, "c"));
        fixtures.flag(PERMISSIONS, true);
        assertThat(forwardedUri("/api/v4/project%73/7")).isEqualTo("/tool/api/v4/projects/7");
        assertThat(forwardedUri("/api//v4/projects//7")).isEqualTo("/tool/api/v4/projects/7");
        // Neither the whole class nor this path's template is granted.
        as(token).get(apiPath(namespace, "c") + "/api/v4/projects/7/members").then().statusCode(403);
        as(token).get(apiPath(namespace, "c") + "/plugin/gitref%73").then().statusCode(403);
        assertThat(tool.pending()).isZero();
    }
}
