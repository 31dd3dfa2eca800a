package io.connectors.api.authn;

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
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Spec §13: Basic with the Kubernetes token as password is taken wherever Bearer is, every 401
 * challenges Basic, and the token reaches no tool, no log line and no metric whichever header
 * carried it — on the Connectors API and on the upstream proxy's path form alike.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = MockCluster.class)
class BasicCredentialsEverywhereTest extends GatewayTest {

    private static final String CHALLENGE = "Basic realm=\"connectors\"";

    private String namespace;
    private String connector;
    private String token;

    @BeforeEach
    void connectorWithBasicAuthSecret() {
        namespace = Fixtures.unique("basic");
        connector = "tool";
        token = FakeKubeAuth.newToken("basic");
        fixtures.connectorClass("plain", null);
        fixtures.secret(namespace, "robot", "kubernetes.io/basic-auth", Map.of("username", "robot", "password", "r0b0t"));
        fixtures.connector(namespace, connector, "plain", tool.url(), "robot", null);
        FakeKubeAuth.grantGet(token, namespace, connector);
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private Response get(String authorization, String path) {
        var request = RestAssured.given().urlEncodingEnabled(false).redirects().follow(false);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return request.get(path);
    }

    /** Every route that takes a Bearer token, with what Bearer gets there. */
    private List<String> bearerRoutes() {
        return List.of(
                apiPath(namespace, connector) + "/x",
                "/namespaces/" + namespace + "/connectors/" + connector + "/x",
                "/connectors/v1alpha1/namespaces/" + namespace + "/connectors/" + connector + "/resources/r",
                "/connectors/v1alpha1/" + namespace + "/" + connector + "/openapi",
                "/connectors/v1alpha1/connectorclasses/plain/openapi",
                "/connectors/v1alpha1/" + namespace + "/openapi",
                "/connectors/version",
                "/v2/",
                "/v2/namespaces/" + namespace + "/connectors/" + connector + "/repo/tags/list");
    }

    @Test
    void basicWithTheTokenAsPasswordIsTakenWhereverBearerIs() {
        List<String> differences = new ArrayList<>();
        for (String path : bearerRoutes()) {
            int bearer = get("Bearer " + token, path).statusCode();
            int basic = get(basic("me", token), path).statusCode();
            int anyUser = get(basic("", token), path).statusCode();
            int without = get(null, path).statusCode();
            if (bearer == 401 || basic != bearer || anyUser != bearer || without != 401) {
                differences.add(path + ": bearer " + bearer + ", basic " + basic + ", empty user " + anyUser
                        + ", none " + without);
            }
        }
        assertThat(differences).isEmpty();
    }

    @Test
    void every401OfTheConnectorsRoutesChallengesBasic() {
        for (String path : bearerRoutes()) {
            if (path.startsWith("/v2")) {
                continue; // the registry route keeps its own Bearer challenge (spec §12, §13)
            }
            for (String authorization : new String[] {null, basic("me", "not-a-token"), "Negotiate abc", "Basic !!"}) {
                Response response = get(authorization, path);
                assertThat(response.statusCode()).as(path + " " + authorization).isEqualTo(401);
                assertThat(response.header("WWW-Authenticate")).as(path).isEqualTo(CHALLENGE);
                assertThat(response.jsonPath().getString("kind")).isEqualTo("Status");
            }
        }
    }

    @Test
    void throughThePathFormTheToolSeesOnlyTheConnectorsCredentialsAndNoLogOrMetricHoldsTheToken() throws Exception {
        String callerBasic = basic("me", token);
        List<String> lines = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(record instanceof org.jboss.logmanager.ExtLogRecord ext ? ext.getFormattedMessage()
                        : String.valueOf(record.getMessage()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        // The access log has its own handler (not the root's): both are listened to.
        Logger root = Logger.getLogger("");
        Logger accessLog = Logger.getLogger("connectors.access");
        root.addHandler(capture);
        accessLog.addHandler(capture);
        Seen viaPathForm;
        Seen viaApi;
        try {
            get(callerBasic, "/namespaces/" + namespace + "/connectors/" + connector + "/api/v4/projects?a=1")
                    .then().statusCode(200);
            viaPathForm = tool.next();
            get(callerBasic, apiPath(namespace, connector) + "/api/v4/projects?a=1").then().statusCode(200);
            viaApi = tool.next();
            // The line is written once the response has ended, which may be after the caller has it.
            await().atMost(Duration.ofSeconds(10)).until(() -> lines.stream()
                    .filter(line -> line.contains(" connector=" + namespace + "/")).count() == 2);
        } finally {
            root.removeHandler(capture);
            accessLog.removeHandler(capture);
        }
        for (Seen seen : List.of(viaPathForm, viaApi)) {
            assertThat(seen.uri()).isEqualTo("/api/v4/projects?a=1");
            assertThat(seen.headers("authorization")).containsExactly(basic("robot", "r0b0t"));
            assertThat(seen.headers().toString()).doesNotContain(token).doesNotContain(callerBasic.substring(6));
        }
        List<String> access = lines.stream().filter(line -> line.contains(" connector=" + namespace + "/")).toList();
        assertThat(access).hasSize(2).allSatisfy(line -> assertThat(line).contains(" user=").contains("status=200")
                .doesNotContain(token).doesNotContain(callerBasic.substring(6)));
        assertThat(access.get(0)).contains(" route=ConnectorProxyPath ").doesNotContain("path=");
        assertThat(lines).noneMatch(line -> line.contains(token) || line.contains(callerBasic.substring(6)));
        String metrics = management().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).doesNotContain(token).doesNotContain(callerBasic.substring(6));
    }

    @Test
    void aConnectorWithoutASecretSendsTheToolNoAuthorizationAtAll() throws Exception {
        fixtures.connector(namespace, "open", "plain", tool.url(), null, null);
        FakeKubeAuth.grantGet(token, namespace, "open");
        get(basic("me", token), "/namespaces/" + namespace + "/connectors/open/x").then().statusCode(200);
        Seen seen = tool.next();
        assertThat(seen.header("authorization")).isNull();
        assertThat(seen.headers().toString()).doesNotContain(token);
    }

    @Test
    void thePathFormIsAuthorisedLikeTheConnectorsApi() {
        String stranger = FakeKubeAuth.newToken("stranger");
        get(basic("me", stranger), "/namespaces/" + namespace + "/connectors/" + connector + "/x").then()
                .statusCode(403).body("reason", equalTo("Forbidden"));
        get(basic("me", token), "/namespaces/" + namespace + "/connectors/ghost/x").then().statusCode(403);
        RestAssured.given().header("Authorization", basic("me", token))
                .post("/namespaces/" + namespace + "/connectors/" + connector + "/x").then().statusCode(405)
                .body("reason", equalTo("MethodNotAllowed"));
        assertThat(tool.pending()).isZero();
    }
}
