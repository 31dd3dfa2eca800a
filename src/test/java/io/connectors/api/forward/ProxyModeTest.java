package io.connectors.api.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.connectors.api.model.NamedValue;
import io.connectors.api.support.FakeKubeAuth;
import io.connectors.api.support.FakeTool.Seen;
import io.connectors.api.support.Fixtures;
import io.connectors.api.support.GatewayTest;
import io.connectors.api.support.MockCluster;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.config.RedirectConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.response.Response;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = MockCluster.class)
class ProxyModeTest extends GatewayTest {

    private String namespace;
    private String token;

    @BeforeEach
    void caller() {
        namespace = Fixtures.unique("proxy");
        token = FakeKubeAuth.newToken("proxy");
        fixtures.connectorClass("plain", null);
    }

    /** A Connector to the fake tool (optionally under a path prefix) with a Secret of this type. */
    private String connectorWith(String type, Map<String, String> data, String prefix) {
        String name = Fixtures.unique("c");
        String secret = null;
        if (type != null) {
            secret = name + "-secret";
            fixtures.secret(namespace, secret, type, data);
        }
        fixtures.connector(namespace, name, "plain", tool.url() + prefix, secret, null);
        FakeKubeAuth.grantGet(token, namespace, name);
        return name;
    }

    private Seen call(String connector, String apiPath) throws InterruptedException {
        as(token).get(apiPath(namespace, connector) + apiPath).then().statusCode(200);
        return tool.next();
    }

    @Test
    void basicAuthSecretBecomesBasicAuthorization() throws Exception {
        String connector = connectorWith("kubernetes.io/basic-auth", Map.of("username", "robot", "password", "s3cret"), "");
        Seen seen = call(connector, "/api/v4/projects");
        assertThat(seen.headers("authorization")).containsExactly("Basic "
                + Base64.getEncoder().encodeToString("robot:s3cret".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void bearerTokenSecretBecomesBearerAuthorization() throws Exception {
        String connector = connectorWith("connectors.cpaas.io/bearer-token", Map.of("token", "tool-token-1"), "");
        assertThat(call(connector, "/x").headers("authorization")).containsExactly("Bearer tool-token-1");
    }

    @Test
    void gitlabPatSecretBecomesPrivateToken() throws Exception {
        String connector = connectorWith("connectors.cpaas.io/gitlab-pat-auth", Map.of("token", "glpat-abc"), "");
        Seen seen = call(connector, "/api/v4/user");
        assertThat(seen.headers("private-token")).containsExactly("glpat-abc");
        assertThat(seen.header("authorization")).isNull();
    }

    @Test
    void opaqueSecretWithTokenBecomesBearerAuthorization() throws Exception {
        String connector = connectorWith("Opaque", Map.of("token", "opaque-token"), "");
        assertThat(call(connector, "/x").headers("authorization")).containsExactly("Bearer opaque-token");
    }

    @Test
    void noSecretSendsNoCredentials() throws Exception {
        String connector = connectorWith(null, null, "");
        Seen seen = call(connector, "/x");
        assertThat(seen.header("authorization")).isNull();
        assertThat(seen.header("private-token")).isNull();
    }

    @Test
    void unsupportedSecretTypeIs400AndNothingIsSent() {
        String connector = connectorWith("kubernetes.io/ssh-auth", Map.of("ssh-privatekey", "KEY-MATERIAL"), "");
        Response response = as(token).get(apiPath(namespace, connector) + "/x");
        response.then().statusCode(400).body("reason", equalTo("BadRequest"))
                .body("message", containsString("kubernetes.io/ssh-auth"));
        assertThat(response.asString()).doesNotContain("KEY-MATERIAL");
        assertThat(tool.pending()).isZero();
    }

    @Test
    void missingSecretIs500() {
        String name = Fixtures.unique("c");
        fixtures.connector(namespace, name, "plain", tool.url(), "not-there", null);
        FakeKubeAuth.grantGet(token, namespace, name);
        as(token).get(apiPath(namespace, name) + "/x").then().statusCode(500)
                .body("reason", equalTo("InternalError")).body("kind", equalTo("Status"));
        assertThat(tool.pending()).isZero();
    }

    @Test
    void missingConnectorClassIs400() {
        String name = Fixtures.unique("c");
        fixtures.connector(namespace, name, "no-such-class", tool.url(), null, null);
        FakeKubeAuth.grantGet(token, namespace, name);
        as(token).get(apiPath(namespace, name) + "/x").then().statusCode(400)
                .body("message", containsString("no-such-class"));
    }

    @Test
    void callerCredentialsAndSpoofedHeadersNeverReachTheTool() throws Exception {
        String connector = connectorWith("connectors.cpaas.io/bearer-token", Map.of("token", "tool-token"), "");
        as(token)
                .header("Cookie", "session=caller")
                .header("Proxy-Authorization", "Basic Y2FsbGVyOnB3")
                .header("X-Plugin-Secret", "spoofed")
                .header("X-Plugin-Meta", "spoofed")
                .header("X-Remote-User", "admin")
                .header("Impersonate-User", "system:admin")
                .header("Impersonate-Group", "system:masters")
                .header("Impersonate-Uid", "0")
                .header("Impersonate-Extra-Scopes", "all")
                .header("X-Forwarded-User", "admin")
                .header("X-Auth-Request-Email", "admin@example.com")
                .header("X-Test-Denied", "configured")
                .header("X-Test-Prefix-Anything", "configured")
                .header("X-Forwarded-For", "10.9.9.9")
                .header("Connection", "X-Keep-Me-Not")
                .header("X-Keep-Me-Not", "dropped")
                .header("X-Custom", "kept")
                .get(apiPath(namespace, connector) + "/x").then().statusCode(200);
        Seen seen = tool.next();
        assertThat(seen.headers("authorization")).containsExactly("Bearer tool-token");
        assertThat(seen.headers().toString()).doesNotContain(token);
        assertThat(seen.headers()).doesNotContainKeys("cookie", "proxy-authorization", "x-plugin-secret",
                "x-plugin-meta", "x-remote-user", "x-keep-me-not", "impersonate-user", "impersonate-group",
                "impersonate-uid", "impersonate-extra-scopes", "x-forwarded-user", "x-auth-request-email",
                "x-test-denied", "x-test-prefix-anything");
        assertThat(seen.header("x-forwarded-for")).isEqualTo("127.0.0.1");
        assertThat(seen.header("x-custom")).isEqualTo("kept");
        assertThat(seen.header("host")).isEqualTo(tool.url().substring("http://".length()));
    }

    @Test
    void connectionHeaderCannotRemoveInjectedCredentials() throws Exception {
        String connector = connectorWith("connectors.cpaas.io/gitlab-pat-auth", Map.of("token", "glpat-x"), "");
        as(token).header("Connection", "Private-Token, Authorization")
                .get(apiPath(namespace, connector) + "/x").then().statusCode(200);
        assertThat(tool.next().headers("private-token")).containsExactly("glpat-x");
    }

    @Test
    void encodedSlashAndPathPrefixReachTheToolByteForByte() throws Exception {
        String connector = connectorWith(null, null, "/gitlab");
        Seen seen = call(connector, "/api/v4/projects/group%2Fproject/repository/files/a%20b%2Bc.txt");
        assertThat(seen.uri()).isEqualTo("/gitlab/api/v4/projects/group%2Fproject/repository/files/a%20b%2Bc.txt");
    }

    @Test
    void queryStringPassesByteForByte() throws Exception {
        String connector = connectorWith(null, null, "/base/");
        String query = "search=a%2Bb+c&list[]=1&list[]=2&empty=&flag&x=%E2%9C%93&redirect=http%3A%2F%2Fa%2Fb";
        Seen seen = call(connector, "/items?" + query);
        assertThat(seen.uri()).isEqualTo("/base/items?" + query);
    }

    @Test
    void emptyAndTrailingSlashApiPaths() throws Exception {
        String connector = connectorWith(null, null, "/prefix");
        assertThat(call(connector, "").uri()).isEqualTo("/prefix");
        assertThat(call(connector, "/").uri()).isEqualTo("/prefix/");
    }

    @Test
    void dotSegmentsBackslashesAndNulAre400() {
        String connector = connectorWith(null, null, "");
        for (String bad : List.of("/a/../b", "/a/%2e%2E/b", "/a/%2E/b", "/a/..%2Fetc", "/a%5Cb", "/a%00b")) {
            as(token).get(apiPath(namespace, connector) + bad).then().statusCode(400)
                    .body("reason", equalTo("BadRequest"));
        }
        assertThat(tool.pending()).isZero();
    }

    @Test
    void redirectIsReturnedNotFollowed() throws Exception {
        String connector = connectorWith("connectors.cpaas.io/bearer-token", Map.of("token", "t"), "");
        as(token).config(RestAssuredConfig.config().redirect(RedirectConfig.redirectConfig().followRedirects(false)))
                .get(apiPath(namespace, connector) + "/redirect")
                .then().statusCode(302).header("Location", "http://127.0.0.1:1/elsewhere");
        tool.next();
        assertThat(tool.pending()).isZero();
    }

    @Test
    void toolErrorsPassThroughUnchanged() throws Exception {
        String connector = connectorWith(null, null, "");
        as(token).get(apiPath(namespace, connector) + "/unauthorized").then().statusCode(401)
                .header("WWW-Authenticate", "Basic realm=tool").body(equalTo("tool says no"));
    }

    @Test
    void setCookieAndHopByHopHeadersFromTheToolAreDropped() throws Exception {
        String connector = connectorWith(null, null, "");
        Response response = as(token).header("X-Request-Id", "req-123").get(apiPath(namespace, connector) + "/cookie");
        response.then().statusCode(200).body(equalTo("ok"));
        assertThat(response.header("Set-Cookie")).isNull();
        assertThat(response.header("X-Internal")).isNull();
        assertThat(response.header("Keep-Alive")).isNull();
        assertThat(response.header("X-Tool")).isEqualTo("kept");
        assertThat(response.header("X-Request-Id")).isEqualTo("req-123");
        assertThat(tool.next().header("x-request-id")).isEqualTo("req-123");
    }

    @Test
    void requestIdIsGeneratedWhenAbsentOrMalformed() throws Exception {
        String connector = connectorWith(null, null, "");
        String generated = as(token).header("X-Request-Id", "bad id with spaces")
                .get(apiPath(namespace, connector) + "/x").header("X-Request-Id");
        assertThat(generated).isNotBlank().doesNotContain(" ");
        assertThat(tool.next().header("x-request-id")).isEqualTo(generated);
    }

    @Test
    void addressExtensionsDoNotChangeTheDefaultTarget() throws Exception {
        String name = Fixtures.unique("c");
        fixtures.connector(namespace, name, "plain", tool.url() + "/main", null,
                List.of(new NamedValue("registry", new com.fasterxml.jackson.databind.node.TextNode("http://127.0.0.1:1"))));
        FakeKubeAuth.grantGet(token, namespace, name);
        assertThat(call(name, "/v2/").uri()).isEqualTo("/main/v2/");
    }

    @Test
    void toolDownIs502() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String name = Fixtures.unique("c");
        fixtures.connector(namespace, name, "plain", "http://127.0.0.1:" + port, null, null);
        FakeKubeAuth.grantGet(token, namespace, name);
        as(token).get(apiPath(namespace, name) + "/x").then().statusCode(502)
                .contentType("application/json").body("kind", equalTo("Status"))
                .body("reason", equalTo("ServiceUnavailable")).body("code", equalTo(502));
    }

    @Test
    void silentToolIs504() {
        String connector = connectorWith(null, null, "");
        as(token).get(apiPath(namespace, connector) + "/silent").then().statusCode(504)
                .contentType("application/json").body("kind", equalTo("Status")).body("reason", equalTo("Timeout"));
    }

    @Test
    void upgradeOtherThanWebSocketIsRefused() {
        String connector = connectorWith(null, null, "");
        // (h2c is answered by the HTTP server itself, which then speaks HTTP/2 to the caller: no tunnel.)
        as(token).header("Connection", "Upgrade").header("Upgrade", "tcp-tunnel")
                .get(apiPath(namespace, connector) + "/x").then().statusCode(400).body("kind", equalTo("Status"));
        assertThat(tool.pending()).isZero();
    }

    @Test
    void unknownGatewayPathIs404Status() {
        as(token).get("/connectors/v1alpha1/nope").then().statusCode(404).body("kind", equalTo("Status"));
    }
}
