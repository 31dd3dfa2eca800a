package io.connectors.examples.gitapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.connectors.api.forward.PluginHeaders;
import io.connectors.api.support.GitCli;
import io.connectors.api.support.GitHttpServer;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The example git refs API called directly, as the gateway would: X-Plugin headers, a real git server. */
class GitRefsApiTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static GitHttpServer gitServer;
    static GitRefsApi api;
    static GitCli git;

    @BeforeAll
    static void start() {
        git = GitCli.isolated();
        gitServer = GitHttpServer.start("git-robot", "robot-pw");
        gitServer.seedDemoRepository(git, "demo");
        api = GitRefsApi.start();
    }

    @AfterAll
    static void stop() {
        api.close();
        gitServer.close();
    }

    static Secret basicAuth(String user, String password) {
        return new SecretBuilder().withType("kubernetes.io/basic-auth")
                .addToData("username", base64(user)).addToData("password", base64(password)).build();
    }

    static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    static HttpResponse<String> get(String pathAndQuery, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api.url() + pathAndQuery));
        headers.forEach(request::header);
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String gitrefs(String repositoryUrl, String pagination) {
        return "/git/gitrefs?repositoryUrl=" + URLEncoder.encode(repositoryUrl, StandardCharsets.UTF_8) + pagination;
    }

    static String revParse(String rev) {
        return git.run(gitServer.repository("demo"), "rev-parse", rev).orThrow().output().strip();
    }

    @Test
    void listsBranchesAndTagsPageByPage() throws Exception {
        Map<String, String> headers = PluginHeaders.of(gitServer.url(), Optional.of(basicAuth("git-robot", "robot-pw")));
        HttpResponse<String> first = get(gitrefs(gitServer.repositoryUrl("demo"), "&page=1&itemsPerPage=3"), headers);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(first.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode page1 = JSON.readTree(first.body());
        assertThat(page1.at("/listMeta/totalItems").asInt()).isEqualTo(4);
        assertThat(page1.get("items")).isEqualTo(JSON.valueToTree(List.of(
                new GitRef("feature", "refs/heads/feature", "branch", revParse("feature")),
                new GitRef("main", "refs/heads/main", "branch", revParse("main")),
                new GitRef("v1.0", "refs/tags/v1.0", "tag", revParse("v1.0^{commit}")))));

        JsonNode page2 = JSON.readTree(get(gitrefs(gitServer.repositoryUrl("demo"), "&page=2&itemsPerPage=3"),
                headers).body());
        assertThat(page2.at("/listMeta/totalItems").asInt()).isEqualTo(4);
        // An annotated tag lists the commit it peels to.
        assertThat(page2.get("items")).isEqualTo(JSON.valueToTree(List.of(
                new GitRef("v1.1", "refs/tags/v1.1", "tag", revParse("main")))));

        // A repository named relative to the Connector's address; the legacy route's /gitrefs.
        JsonNode relative = JSON.readTree(get("/gitrefs?repositoryUrl=demo.git", headers).body());
        assertThat(relative.at("/listMeta/totalItems").asInt()).isEqualTo(4);
    }

    @Test
    void failuresAreStatuses() throws Exception {
        Map<String, String> good = PluginHeaders.of(gitServer.url(), Optional.of(basicAuth("git-robot", "robot-pw")));
        assertStatus(get(gitrefs(gitServer.repositoryUrl("demo"), ""),
                PluginHeaders.of(gitServer.url(), Optional.of(basicAuth("git-robot", "wrong")))), 403, "Forbidden");
        assertStatus(get(gitrefs(gitServer.repositoryUrl("demo"), ""),
                PluginHeaders.of(gitServer.url(), Optional.empty())), 403, "Forbidden");
        assertStatus(get(gitrefs(gitServer.repositoryUrl("nope"), ""), good), 404, "NotFound");
        // The Connector's credentials go only to the Connector's tool.
        assertStatus(get(gitrefs("http://attacker.example/demo.git", ""), good), 400, "BadRequest");
        assertStatus(get(gitrefs(gitServer.url() + "/../x.git", ""), good), 400, "BadRequest");
        assertStatus(get("/git/gitrefs", good), 400, "BadRequest");
        assertStatus(get(gitrefs(gitServer.repositoryUrl("demo"), "&page=0"), good), 400, "BadRequest");
        assertStatus(get(gitrefs(gitServer.repositoryUrl("demo"), ""), Map.of()), 400, "BadRequest");
        assertStatus(get("/git/other", good), 404, "NotFound");
        assertStatus(get(gitrefs("http://127.0.0.1:1/demo.git", ""),
                PluginHeaders.of("http://127.0.0.1:1", Optional.empty())), 502, "ServiceUnavailable");
    }

    @Test
    void aSilentGitServerIs504() throws Exception {
        // Connections complete in the backlog, but nothing ever answers.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                GitRefsApi impatient = GitRefsApi.start(Duration.ofMillis(500))) {
            String tool = "http://127.0.0.1:" + silent.getLocalPort();
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(impatient.url()
                    + gitrefs(tool + "/demo.git", "")));
            PluginHeaders.of(tool, Optional.empty()).forEach(request::header);
            assertStatus(HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString()),
                    504, "Timeout");
        }
    }

    private static void assertStatus(HttpResponse<String> response, int code, String reason) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(code);
        JsonNode status = JSON.readTree(response.body());
        assertThat(status.get("kind").asText()).isEqualTo("Status");
        assertThat(status.get("reason").asText()).isEqualTo(reason);
        assertThat(status.get("code").asInt()).isEqualTo(code);
        assertThat(response.body()).doesNotContain("robot-pw");
    }
}
