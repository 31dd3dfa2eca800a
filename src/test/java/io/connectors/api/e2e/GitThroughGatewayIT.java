package io.connectors.api.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import io.connectors.api.support.GitCli;
import io.connectors.examples.gitapi.GitRefsApi;
import io.connectors.api.support.GitHttpServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import io.connectors.api.authz.MethodPolicy;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real git through the gateway (issue 3): the git CLI sends only the caller's Kubernetes token,
 * the gateway checks RBAC on the real kube-apiserver and calls a git http-backend server with the
 * Connector's basic-auth Secret. The same Connector's class has a custom API (issue 4 item 8):
 * the example git refs API, which reads the same server with the same Secret.
 */
@QuarkusIntegrationTest
@WithTestResource(value = RealCluster.class, initArgs = @ResourceArg(name = "crds", value = "project"))
class GitThroughGatewayIT {

    static final Duration WATCH = Duration.ofSeconds(20);
    static final String WRITE_PASSTHROUGH = "enable-connector-apis-write-passthrough";

    static GitHttpServer gitServer;
    static GitRefsApi refsApi;
    static GitCli git;

    RealCluster cluster;
    ClusterObjects objects;
    String namespace;

    @BeforeAll
    static void gitServer() {
        git = GitCli.isolated();
        gitServer = GitHttpServer.start("git-robot", "robot-" + UUID.randomUUID());
        gitServer.seedDemoRepository(git, "demo");
        refsApi = GitRefsApi.start();
    }

    @AfterAll
    static void stopGitServer() {
        refsApi.close();
        gitServer.close();
    }

    @BeforeEach
    void connector() {
        cluster = RealCluster.current();
        namespace = "git-" + UUID.randomUUID().toString().substring(0, 8);
        cluster.admin().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
                .endMetadata().build()).create();
        objects = new ClusterObjects(cluster.admin(), namespace);
        // The class declares git smart HTTP: a fetch (git-upload-pack) is a read, so clone works without write passthrough.
        objects.connectorClass("git", Map.of(MethodPolicy.GIT_FETCH_IS_READ, "true"), Map.of(
                "address", Map.of("name", "address", "type", "string"),
                "auth", Map.of("types", List.of(Map.of("name", "basicAuth",
                        "secretType", "kubernetes.io/basic-auth"))),
                "api", Map.of("uri", refsApi.url(), "openapi", Map.of("openapi", "3.0.1",
                        "info", Map.of("title", "git", "version", "1"),
                        "paths", Map.of("/git/gitrefs", Map.of("get", Map.of("x-provider-type", "api")))))));
        String password = gitServer.password();
        objects.basicAuthSecret("git-creds", "git-robot", password);
        objects.connector("repos", Map.of("connectorClassName", "git", "address", gitServer.url(),
                "auth", Map.of("name", "basicAuth", "secretRef", Map.of("name", "git-creds"))));
        objects.grantGet("alice", "repos");
    }

    String cloneUrl(String repository) {
        return "http://127.0.0.1:" + RestAssured.port + "/connectors/v1alpha1/" + namespace + "/repos/path/"
                + repository + ".git";
    }

    /** git as {@code user}: its Kubernetes token goes in an extra header set through the environment, off the command line. */
    GitCli.Result gitAs(String user, Path directory, String... args) {
        GitCli.Result result = git.run(directory, Map.of("GIT_CONFIG_COUNT", "1",
                "GIT_CONFIG_KEY_0", "http.extraHeader",
                "GIT_CONFIG_VALUE_0", "Authorization: Bearer " + cluster.token(user)), args);
        System.out.println("[git as " + user + "]\n" + result);
        return result;
    }

    @Test
    void cloneWithAKubernetesTokenAndPushOnlyWithWritePassthrough() throws Exception {
        Path work = Files.createTempDirectory("git-e2e");
        // The gateway sees the Connector once its informers have it: until then clones are 404.
        await().atMost(WATCH).pollInterval(Duration.ofMillis(500)).until(() ->
                gitAs("alice", work, "ls-remote", cloneUrl("demo")).succeeded());

        GitCli.Result clone = gitAs("alice", work, "clone", cloneUrl("demo"), "demo");
        assertThat(clone.succeeded()).as(clone.toString()).isTrue();
        Path checkout = work.resolve("demo");
        assertThat(git.run(checkout, "log", "--format=%s", "main").orThrow().output())
                .isEqualTo("second commit\nfirst commit\n");
        assertThat(git.run(checkout, "log", "--format=%s", "origin/feature").orThrow().output())
                .isEqualTo("feature commit\nsecond commit\nfirst commit\n");
        assertThat(git.run(checkout, "tag").orThrow().output()).isEqualTo("v1.0\nv1.1\n");
        assertThat(git.run(checkout, "remote", "get-url", "origin").orThrow().output())
                .doesNotContain("git-robot").doesNotContain(gitServer.password());

        Files.writeString(checkout.resolve("through-the-gateway.txt"), "pushed by alice\n");
        git.run(checkout, "add", "through-the-gateway.txt").orThrow();
        git.run(checkout, "commit", "-q", "-m", "pushed through the gateway").orThrow();

        objects.flag(WRITE_PASSTHROUGH, "false");
        GitCli.Result refused = gitAs("alice", checkout, "push", "origin", "main");
        assertThat(refused.succeeded()).as(refused.toString()).isFalse();
        assertThat(refused.output()).as(refused.toString()).contains("405");
        assertThat(headOf("main")).isEqualTo("second commit");

        objects.flag(WRITE_PASSTHROUGH, "true");
        try {
            await().atMost(WATCH).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                GitCli.Result pushed = gitAs("alice", checkout, "push", "origin", "main");
                assertThat(pushed.succeeded()).as(pushed.toString()).isTrue();
            });
        } finally {
            objects.flag(WRITE_PASSTHROUGH, "false");
        }
        assertThat(headOf("main")).isEqualTo("pushed through the gateway");
    }

    @Test
    void withoutARoleTheCloneIsForbidden() throws Exception {
        Path work = Files.createTempDirectory("git-e2e");
        // Denied before any lookup, so this holds whether or not the gateway has seen the Connector yet.
        GitCli.Result clone = gitAs("bob", work, "clone", cloneUrl("demo"), "demo");
        assertThat(clone.succeeded()).as(clone.toString()).isFalse();
        assertThat(clone.output()).as(clone.toString()).contains("403");
        assertThat(work.resolve("demo")).doesNotExist();
    }

    @Test
    void refsThroughTheClassCustomApi() {
        String alice = cluster.token("alice");
        String gitrefs = "/connectors/v1alpha1/" + namespace + "/repos/path/git/gitrefs?repositoryUrl="
                + URLEncoder.encode(gitServer.repositoryUrl("demo"), StandardCharsets.UTF_8);
        await().atMost(WATCH).untilAsserted(() -> RestAssured.given().urlEncodingEnabled(false)
                .header("Authorization", "Bearer " + alice).get(gitrefs + "&page=2&itemsPerPage=3")
                .then().statusCode(200).body("listMeta.totalItems", equalTo(4))
                .body("items.name", contains("v1.1")).body("items.type", contains("tag")));
        String body = RestAssured.given().urlEncodingEnabled(false).header("Authorization", "Bearer " + alice)
                .get(gitrefs + "&page=1&itemsPerPage=3").then().statusCode(200)
                .body("items.ref", contains("refs/heads/feature", "refs/heads/main", "refs/tags/v1.0"))
                .extract().asString();
        System.out.println("[gitrefs through the gateway, page 1]\n" + body);
        assertThat(body).doesNotContain(gitServer.password());
        RestAssured.given().urlEncodingEnabled(false).header("Authorization", "Bearer " + cluster.token("bob"))
                .get(gitrefs).then().statusCode(403).body("reason", equalTo("Forbidden"));
    }

    private String headOf(String branch) {
        return git.run(gitServer.repository("demo"), "log", "-1", "--format=%s", branch).orThrow().output().strip();
    }
}
