package io.connectors.api.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.node.TextNode;
import io.connectors.api.model.ConnectorClass;
import io.connectors.api.model.ConnectorClassSpec.ApiSpec;
import io.connectors.api.model.ConnectorClassStatus;
import io.connectors.api.model.ModelFixtures;
import io.connectors.api.model.NamedValue;
import io.connectors.api.support.FakeKubeAuth;
import io.connectors.api.support.FakeTool.Seen;
import io.connectors.api.support.Fixtures;
import io.connectors.api.support.GatewayTest;
import io.connectors.api.support.MockCluster;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * API mode against the in-process fake tool, which plays both parts: the tool under {@code /tool}
 * and the class's custom API under {@code /custom}, so each request shows where it went.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = MockCluster.class)
class CustomApiModeTest extends GatewayTest {

    private static final String WRITE_PASSTHROUGH = "enable-connector-apis-write-passthrough";
    private static final String OPENAPI = """
            {"openapi": "3.0.1", "info": {"title": "t", "version": "1"}, "paths": {
              "/gitlab/custom-api": {"get": {"x-provider-type": "api"}},
              "/api/v4/projects/{id}/repository/branches": {
                "get": {"x-provider-type": "api"}, "post": {"x-provider-type": "proxy"}},
              "/api/v4/projects/{id}": {"get": {}},
              "/ext/{x}": {"get": {"x-openapi-address": "mirror"}},
              "/abs": {"get": {"x-provider-type": "proxy", "x-openapi-address": "%s/absolute"}},
              "/unknown-ext": {"get": {"x-openapi-address": "no-such-extension"}}
            }}""";

    private String namespace;
    private String token;
    private String className;
    private String connector;

    @BeforeEach
    void customApi() {
        namespace = Fixtures.unique("capi");
        token = FakeKubeAuth.newToken("capi");
        className = Fixtures.unique("gitlab");
        fixtures.connectorClass(className, new ApiSpec(null, tool.url() + "/custom",
                ModelFixtures.json(OPENAPI.formatted(tool.url()))));
        connector = "gitlab";
        fixtures.secret(namespace, "creds", "kubernetes.io/basic-auth", Map.of("username", "admin", "password", "pass123"));
        fixtures.connector(namespace, connector, className, tool.url() + "/tool", "creds",
                List.of(new NamedValue("mirror", new TextNode(tool.url() + "/mirror"))));
        FakeKubeAuth.grantGet(token, namespace, connector);
    }

    @AfterEach
    void writesOff() {
        fixtures.flag(WRITE_PASSTHROUGH, false);
    }

    private Seen get(String apiPath) throws InterruptedException {
        as(token).get(apiPath(namespace, connector) + apiPath).then().statusCode(200);
        return tool.next();
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }

    @Test
    void apiOrProxyIsChosenPerPathAndMethod() throws Exception {
        assertThat(get("/gitlab/custom-api").uri()).isEqualTo("/custom/gitlab/custom-api");
        assertThat(get("/gitlab/custom-api/").uri()).isEqualTo("/custom/gitlab/custom-api/");
        assertThat(get("/api/v4/projects/group%2Fproject/repository/branches?page=1&q=a%2Fb+c").uri())
                .isEqualTo("/custom/api/v4/projects/group%2Fproject/repository/branches?page=1&q=a%2Fb+c");
        assertThat(get("/api/v4/projects/group%2Fproject").uri()).isEqualTo("/tool/api/v4/projects/group%2Fproject");
        assertThat(get("/not/in/the/document").uri()).isEqualTo("/tool/not/in/the/document");

        as(token).head(apiPath(namespace, connector) + "/gitlab/custom-api").then().statusCode(200);
        assertThat(tool.next().uri()).isEqualTo("/custom/gitlab/custom-api");

        fixtures.flag(WRITE_PASSTHROUGH, true);
        as(token).body("{}").post(apiPath(namespace, connector) + "/api/v4/projects/7/repository/branches")
                .then().statusCode(200);
        Seen post = tool.next();
        assertThat(post.uri()).isEqualTo("/tool/api/v4/projects/7/repository/branches");
        assertThat(post.header("authorization")).startsWith("Basic ");
        assertThat(post.header("x-plugin-meta")).isNull();
    }

    @Test
    void theCustomApiReceivesThePluginHeadersAndNoCredentials() throws Exception {
        Response response = as(token).header("X-Plugin-Meta", "c3Bvb2Zl").header("X-Plugin-Secret", "c3Bvb2Zl")
                .header("X-Remote-User", "admin").header("X-Request-Id", "req-capi-1").header("Cookie", "a=b")
                .get(apiPath(namespace, connector) + "/gitlab/custom-api");
        response.then().statusCode(200).header("X-Request-Id", "req-capi-1");
        Seen seen = tool.next();

        assertThat(seen.headers("x-plugin-meta")).hasSize(1);
        assertThat(decode(seen.header("x-plugin-meta"))).isEqualTo("{\"baseURL\":\"" + tool.url() + "/tool\"}");
        assertThat(seen.headers("x-plugin-auth")).containsExactly("a3ViZXJuZXRlcy5pby9iYXNpYy1hdXRo");
        assertThat(seen.headers("x-plugin-secret"))
                .containsExactly("eyJwYXNzd29yZCI6ImNHRnpjekV5TXc9PSIsInVzZXJuYW1lIjoiWVdSdGFXND0ifQ==");
        assertThat(seen.header("x-request-id")).isEqualTo("req-capi-1");
        assertThat(seen.header("authorization")).isNull();
        assertThat(seen.header("cookie")).isNull();
        assertThat(seen.header("x-remote-user")).isNull();
    }

    @Test
    void withoutASecretOnlyMetaIsSent() throws Exception {
        String plain = Fixtures.unique("nosecret");
        fixtures.connector(namespace, plain, className, "https://gitlab.example", null, null);
        FakeKubeAuth.grantGet(token, namespace, plain);
        as(token).get(apiPath(namespace, plain) + "/gitlab/custom-api").then().statusCode(200);
        Seen seen = tool.next();
        assertThat(decode(seen.header("x-plugin-meta"))).isEqualTo("{\"baseURL\":\"https://gitlab.example\"}");
        assertThat(seen.header("x-plugin-auth")).isNull();
        assertThat(seen.header("x-plugin-secret")).isNull();
    }

    @Test
    void anUnresolvedApiAddressIs400() {
        String noApi = Fixtures.unique("git-noapi");
        fixtures.connectorClass(noApi, new ApiSpec(null, null, ModelFixtures.json(OPENAPI.formatted(tool.url()))));
        String name = Fixtures.unique("c");
        fixtures.connector(namespace, name, noApi, tool.url() + "/tool", "creds", null);
        FakeKubeAuth.grantGet(token, namespace, name);
        as(token).get(apiPath(namespace, name) + "/gitlab/custom-api").then().statusCode(400)
                .body("kind", equalTo("Status")).body("reason", equalTo("BadRequest"))
                .body("message", equalTo("api address of connectorclass '" + noApi + "' is not resolved"));
        assertThat(tool.pending()).isZero();
    }

    @Test
    void theStatusAddressWinsOverTheSpec() throws Exception {
        ConnectorClass resolved = client.resources(ConnectorClass.class).withName(className).get();
        resolved.setStatus(new ConnectorClassStatus(new ConnectorClassStatus.Api(
                new ConnectorClassStatus.Address("api", tool.url() + "/from-status")), null, null));
        String version = client.resource(resolved).updateStatus().getMetadata().getResourceVersion();
        Awaitility.await().atMost(Fixtures.VISIBLE).until(() -> caches.connectorClass(className)
                .filter(seen -> Objects.equals(seen.getMetadata().getResourceVersion(), version)).isPresent());
        assertThat(get("/gitlab/custom-api").uri()).isEqualTo("/from-status/gitlab/custom-api");
    }

    @Test
    void invalidPaginationIs400AndNothingIsSent() {
        for (String query : new String[] {"page=-1", "itemsPerPage=ten", "page="}) {
            as(token).get(apiPath(namespace, connector) + "/gitlab/custom-api?" + query).then().statusCode(400)
                    .body("reason", equalTo("BadRequest")).body("message", containsString("non-negative integer"));
        }
        assertThat(tool.pending()).isZero();
    }

    @Test
    void theLegacyRouteAlwaysCallsTheCustomApi() throws Exception {
        String legacy = "/connectors/v1alpha1/namespaces/" + namespace + "/connectors/" + connector + "/resources";
        as(token).get(legacy + "/gitrefs?repositoryUrl=https%3A%2F%2Fgithub.com%2Fa%2Fb.git&page=2")
                .then().statusCode(200);
        Seen seen = tool.next();
        assertThat(seen.uri()).isEqualTo("/custom/gitrefs?repositoryUrl=https%3A%2F%2Fgithub.com%2Fa%2Fb.git&page=2");
        assertThat(seen.header("x-plugin-auth")).isEqualTo("a3ViZXJuZXRlcy5pby9iYXNpYy1hdXRo");
        assertThat(seen.header("authorization")).isNull();

        // Even a path the document gives to the tool: the legacy route knows only the custom API.
        as(token).get(legacy + "/api/v4/projects/1").then().statusCode(200);
        assertThat(tool.next().uri()).isEqualTo("/custom/api/v4/projects/1");

        as(token).post(legacy + "/gitrefs").then().statusCode(405);
        as(FakeKubeAuth.newToken("stranger")).get(legacy + "/gitrefs").then().statusCode(403);
        as(token).get(legacy + "/a/%2e%2e/b").then().statusCode(400);
        assertThat(tool.pending()).isZero();
    }

    @Test
    void xOpenapiAddressNamesAnExtensionOrAnAbsoluteUrl() throws Exception {
        assertThat(get("/ext/one").uri()).isEqualTo("/mirror/ext/one");
        assertThat(get("/abs").uri()).isEqualTo("/absolute/abs");
        as(token).get(apiPath(namespace, connector) + "/unknown-ext").then().statusCode(400)
                .body("message", containsString("no-such-extension"));
        assertThat(tool.pending()).isZero();
    }
}
