package io.connectors.examples.gitapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import io.connectors.api.model.ConnectorClassSpec.ApiSpec;
import io.connectors.api.model.ModelFixtures;
import io.connectors.api.support.FakeKubeAuth;
import io.connectors.api.support.Fixtures;
import io.connectors.api.support.GatewayTest;
import io.connectors.api.support.GitCli;
import io.connectors.api.support.GitHttpServer;
import io.connectors.api.support.MockCluster;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway in custom API mode with a real custom API: {@code /git/gitrefs} of a {@code git}
 * class goes to the example git refs API, which reads the refs of a real git server with the
 * Connector's Secret, never seen by the caller.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = MockCluster.class)
class GitRefsThroughGatewayTest extends GatewayTest {

    static final String OPENAPI = """
            {"openapi": "3.0.1", "info": {"title": "git", "version": "1"}, "paths": {
              "/git/gitrefs": {"get": {"x-provider-type": "api", "parameters": [
                {"name": "repositoryUrl", "in": "query", "required": true, "schema": {"type": "string"}},
                {"name": "page", "in": "query", "schema": {"type": "integer"}},
                {"name": "itemsPerPage", "in": "query", "schema": {"type": "integer"}}]}}
            }}""";

    static GitHttpServer gitServer;
    static GitRefsApi api;

    String namespace;
    String token;

    @BeforeAll
    static void servers() {
        gitServer = GitHttpServer.start("git-robot", "robot-pw");
        gitServer.seedDemoRepository(GitCli.isolated(), "demo");
        api = GitRefsApi.start();
    }

    @AfterAll
    static void stopServers() {
        api.close();
        gitServer.close();
    }

    @BeforeEach
    void gitConnector() {
        namespace = Fixtures.unique("gitapi");
        token = FakeKubeAuth.newToken("dev");
        String className = Fixtures.unique("git");
        fixtures.connectorClass(className, new ApiSpec(null, api.url(), ModelFixtures.json(OPENAPI)));
        fixtures.secret(namespace, "git-creds", "kubernetes.io/basic-auth",
                Map.of("username", "git-robot", "password", "robot-pw"));
        fixtures.secret(namespace, "stale-creds", "kubernetes.io/basic-auth",
                Map.of("username", "git-robot", "password", "rotated-away"));
        fixtures.connector(namespace, "repos", className, gitServer.url(), "git-creds", null);
        fixtures.connector(namespace, "stale", className, gitServer.url(), "stale-creds", null);
        FakeKubeAuth.grantGet(token, namespace, "repos");
        FakeKubeAuth.grantGet(token, namespace, "stale");
    }

    String gitrefs(String connector, String query) {
        return apiPath(namespace, connector) + "/git/gitrefs?repositoryUrl="
                + URLEncoder.encode(gitServer.repositoryUrl("demo"), StandardCharsets.UTF_8) + query;
    }

    @Test
    void refsComePaginatedFromTheGitServer() {
        as(token).get(gitrefs("repos", "&page=1&itemsPerPage=2")).then().statusCode(200)
                .body("listMeta.totalItems", equalTo(4))
                .body("items.name", contains("feature", "main"))
                .body("items.type", contains("branch", "branch"));
        as(token).get(gitrefs("repos", "&page=2&itemsPerPage=2")).then().statusCode(200)
                .body("listMeta.totalItems", equalTo(4))
                .body("items.ref", contains("refs/tags/v1.0", "refs/tags/v1.1"));
        as(token).get(gitrefs("repos", "&page=3&itemsPerPage=2")).then().statusCode(200)
                .body("listMeta.totalItems", equalTo(4)).body("items", empty());
    }

    @Test
    void errorsComeBackAsStatuses() {
        // The gateway's own check, before anything is sent.
        as(token).get(gitrefs("repos", "&page=-1")).then().statusCode(400).body("reason", equalTo("BadRequest"));
        // The custom API's: pages are 1-based; credentials go nowhere but the Connector's tool.
        as(token).get(gitrefs("repos", "&page=0")).then().statusCode(400).body("kind", equalTo("Status"))
                .body("message", containsString("page"));
        as(token).get(apiPath(namespace, "repos") + "/git/gitrefs?repositoryUrl="
                + URLEncoder.encode("http://elsewhere.example/demo.git", StandardCharsets.UTF_8))
                .then().statusCode(400).body("reason", equalTo("BadRequest"));
        // The git server refuses the stale Secret: a Status that names no credential.
        String refused = as(token).get(gitrefs("stale", "")).then().statusCode(403)
                .body("reason", equalTo("Forbidden")).body("message", not(containsString("rotated-away")))
                .extract().asString();
        assertThat(refused).doesNotContain("rotated-away").doesNotContain(token);
        as(FakeKubeAuth.newToken("stranger")).get(gitrefs("repos", "")).then().statusCode(403);
    }
}
