package io.connectors.examples.gitapi;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.connectors.api.model.ConnectorClassSpec.ApiSpec;
import io.connectors.api.support.FakeKubeAuth;
import io.connectors.api.support.Fixtures;
import io.connectors.api.support.GatewayTest;
import io.connectors.api.support.GitCli;
import io.connectors.api.support.GitHttpServer;
import io.connectors.api.support.MockCluster;
import io.connectors.sdk.OpenApiDocument;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The example git refs API registers itself: its class has no inline OpenAPI paths, only the
 * annotation {@code connectors.alauda.io/api-spec-path: /openapi.json}; the gateway fetches the
 * document the API serves through the SDK and routes {@code /git/gitrefs} to it.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = MockCluster.class)
class SelfRegisteredGitApiTest extends GatewayTest {

    static GitHttpServer gitServer;
    static GitRefsApi api;

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

    @Test
    void theClassRoutesWhatTheApiPublishes() {
        String namespace = Fixtures.unique("selfreg");
        String token = FakeKubeAuth.newToken("dev");
        String className = Fixtures.unique("git");
        fixtures.connectorClass(className, Map.of(OpenApiDocument.ANNOTATION, OpenApiDocument.PATH),
                new ApiSpec(null, api.url(), null));
        fixtures.secret(namespace, "git-creds", "kubernetes.io/basic-auth",
                Map.of("username", "git-robot", "password", "robot-pw"));
        fixtures.connector(namespace, "repos", className, gitServer.url(), "git-creds", null);
        FakeKubeAuth.grantGet(token, namespace, "repos");
        String gitrefs = apiPath(namespace, "repos") + "/git/gitrefs?repositoryUrl="
                + URLEncoder.encode(gitServer.repositoryUrl("demo"), StandardCharsets.UTF_8) + "&itemsPerPage=2";
        // Until the document is fetched the path is the tool's (proxy mode); then it is the API's.
        await().atMost(java.time.Duration.ofSeconds(30)).untilAsserted(() -> as(token).get(gitrefs).then().statusCode(200)
                .body("listMeta.totalItems", equalTo(4)));
        // The class document served by the gateway is the API's own.
        as(token).get("/connectors/v1alpha1/connectorclasses/" + className + "/openapi").then().statusCode(200)
                .body("info.title", equalTo("git refs"))
                .body("paths.'/git/gitrefs'.get.x-provider-type", equalTo("api"));
    }
}
