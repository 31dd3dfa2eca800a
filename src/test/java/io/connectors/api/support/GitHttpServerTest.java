package io.connectors.api.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The test git server itself: real git clones and pushes with basic auth, nothing without. */
class GitHttpServerTest {

    static GitHttpServer server;
    static GitCli git;

    @BeforeAll
    static void start() {
        git = GitCli.isolated();
        server = GitHttpServer.start("git-robot", "s3cret");
        server.seedDemoRepository(git, "demo");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String withCredentials(String url) {
        return url.replace("http://", "http://git-robot:s3cret@");
    }

    @Test
    void clonesAndPushesWithTheRightCredentials() throws Exception {
        Path work = Files.createTempDirectory("clone");
        git.run(work, "clone", withCredentials(server.repositoryUrl("demo")), "demo").orThrow();
        Path clone = work.resolve("demo");
        assertThat(git.run(clone, "log", "--format=%s", "main").orThrow().output())
                .isEqualTo("second commit\nfirst commit\n");
        assertThat(git.run(clone, "branch", "-r").orThrow().output()).contains("origin/feature");
        assertThat(git.run(clone, "tag").orThrow().output()).isEqualTo("v1.0\nv1.1\n");

        Files.writeString(clone.resolve("pushed.txt"), "pushed\n");
        git.run(clone, "add", "pushed.txt").orThrow();
        git.run(clone, "commit", "-q", "-m", "pushed commit").orThrow();
        git.run(clone, "push", "origin", "main").orThrow();
        assertThat(git.run(server.repository("demo"), "log", "-1", "--format=%s", "main").orThrow().output())
                .isEqualTo("pushed commit\n");
    }

    @Test
    void anythingElseIs401WithAChallenge() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(server.repositoryUrl("demo") + "/info/refs?service=git-upload-pack")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"git\"");

        GitCli.Result wrong = git.run(Files.createTempDirectory("clone"), "clone",
                server.repositoryUrl("demo").replace("http://", "http://git-robot:wrong@"), "demo");
        assertThat(wrong.succeeded()).as(wrong.toString()).isFalse();
        assertThat(wrong.output()).contains("Authentication failed");
    }
}
