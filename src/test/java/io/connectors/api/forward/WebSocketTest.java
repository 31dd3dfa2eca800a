package io.connectors.api.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.connectors.api.support.FakeKubeAuth;
import io.connectors.api.support.FakeTool.Seen;
import io.connectors.api.support.Fixtures;
import io.connectors.api.support.GatewayTest;
import io.connectors.api.support.MockCluster;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * WebSocket upgrades through a Connector: tunnelled with the Connector's credentials only after
 * the tool's 101, and — a channel that can write — a write (verb {@code create}) counted against
 * the same limits as any call: a place at the tool, the idle timeout, the upstream metrics, and
 * the same forwarding headers.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = MockCluster.class)
class WebSocketTest extends GatewayTest {

    private static final String WRITE_PASSTHROUGH = "enable-connector-apis-write-passthrough";

    @TestHTTPResource("/")
    URL gateway;

    private Vertx vertx;
    private String namespace;
    private String token;

    @BeforeEach
    void connector() {
        vertx = Vertx.vertx();
        namespace = Fixtures.unique("ws");
        token = FakeKubeAuth.newToken("ws");
        fixtures.connectorClass("plain", null);
        fixtures.secret(namespace, "creds", "connectors.cpaas.io/bearer-token", Map.of("token", "tool-token"));
        fixtures.connector(namespace, "sockets", "plain", tool.url() + "/base", "creds", null);
        FakeKubeAuth.grantGet(token, namespace, "sockets");
        fixtures.flag(WRITE_PASSTHROUGH, true);
    }

    @AfterEach
    void close() {
        vertx.close();
        fixtures.flag(WRITE_PASSTHROUGH, false);
    }

    private CompletableFuture<WebSocket> connect(String apiPath, String bearer) {
        WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(gateway.getPort())
                .setURI(apiPath(namespace, "sockets") + apiPath).addHeader("Authorization", "Bearer " + bearer);
        return vertx.createHttpClient().webSocket(options).toCompletionStage().toCompletableFuture();
    }

    @Test
    void webSocketIsTunnelledWithTheConnectorsCredentials() throws Exception {
        WebSocket socket = connect("/events?x=1", token).get(10, TimeUnit.SECONDS);
        CompletableFuture<String> reply = new CompletableFuture<>();
        socket.textMessageHandler(reply::complete);
        socket.writeTextMessage("hello");
        assertThat(reply.get(10, TimeUnit.SECONDS)).isEqualTo("echo:hello");
        Seen seen = tool.next();
        assertThat(seen.uri()).isEqualTo("/base/events?x=1");
        assertThat(seen.headers("authorization")).containsExactly("Bearer tool-token");
        assertThat(seen.headers().toString()).doesNotContain(token);
        socket.close();
    }

    @Test
    void webSocketNeedsAccessToTheConnector() {
        assertThat(connect("/events", FakeKubeAuth.newToken("stranger")))
                .failsWithin(10, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(UpgradeRejectedException.class)
                .satisfies(e -> assertThat(((UpgradeRejectedException) e.getCause()).getStatus()).isEqualTo(403));
        assertThat(tool.pending()).isZero();
    }

    @Test
    void refusedUpgradeComesBackAsTheToolsResponse() {
        assertThat(connect("/ws-refuse", token))
                .failsWithin(10, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(UpgradeRejectedException.class)
                .satisfies(e -> assertThat(((UpgradeRejectedException) e.getCause()).getStatus()).isEqualTo(403));
    }

    @Test
    void anUpgradeIsAWriteSoWithoutWritePassthroughNothingIsTunnelled() {
        fixtures.flag(WRITE_PASSTHROUGH, false);
        assertThat(connect("/events", token))
                .failsWithin(10, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(UpgradeRejectedException.class)
                .satisfies(e -> assertThat(((UpgradeRejectedException) e.getCause()).getStatus()).isEqualTo(405));
        assertThat(tool.pending()).isZero();
    }

    @Test
    void theToolGetsTheGatewaysForwardingHeadersAsOnAnyCall() throws Exception {
        WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(gateway.getPort())
                .setURI(apiPath(namespace, "sockets") + "/events").addHeader("Authorization", "Bearer " + token)
                .addHeader("X-Forwarded-For", "203.0.113.9").addHeader("X-Forwarded-Host", "evil.example")
                .addHeader("X-Forwarded-Scheme", "https").addHeader("X_Forwarded_For", "203.0.113.9");
        WebSocket socket = vertx.createHttpClient().webSocket(options).toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        Seen seen = tool.next();
        assertThat(seen.headers("x-forwarded-for")).containsExactly("127.0.0.1");
        assertThat(seen.headers("x-forwarded-proto")).containsExactly("http");
        assertThat(seen.headers("x-forwarded-host")).containsExactly("127.0.0.1:" + gateway.getPort());
        assertThat(seen.headers()).doesNotContainKeys("x-forwarded-scheme", "x_forwarded_for");
        socket.close();
    }

    @Test
    void anOpenTunnelHoldsAPlaceAtTheToolUntilItCloses() throws Exception {
        String places = "connectors_upstream_calls{upstream=\"" + tool.url() + "\"}";
        WebSocket socket = connect("/events", token).get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> metric(places).equals("1.0"));
        socket.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> metric(places).equals("0.0"));
        // The upgrade is timed like any call to a tool: its answer was a 101.
        assertThat(metric("connectors_upstream_requests_seconds_count{mode=\"proxy\",status_class=\"1xx\"}"))
                .isNotEqualTo("-");
    }

    @Test
    void aSilentTunnelIsClosedAfterTheIdleTimeout() throws Exception {
        // %test idle timeout: 2 s. Nobody says anything: the gateway closes both sides.
        WebSocket socket = connect("/events", token).get(10, TimeUnit.SECONDS);
        CompletableFuture<Void> closed = new CompletableFuture<>();
        socket.closeHandler(v -> closed.complete(null));
        assertThat(closed).succeedsWithin(Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(10)).until(
                () -> metric("connectors_upstream_calls{upstream=\"" + tool.url() + "\"}").equals("0.0"));
    }

    @Test
    void aTunnelThatTalksIsNotIdle() throws Exception {
        WebSocket socket = connect("/events", token).get(10, TimeUnit.SECONDS);
        List<String> replies = new CopyOnWriteArrayList<>();
        socket.textMessageHandler(replies::add);
        CompletableFuture<Void> closed = new CompletableFuture<>();
        socket.closeHandler(v -> closed.complete(null));
        // One message every 700 ms for longer than two idle timeouts (2 s each).
        int[] sent = {0};
        vertx.setPeriodic(700, id -> {
            if (sent[0] == 7) {
                vertx.cancelTimer(id);
                return;
            }
            socket.writeTextMessage("m" + sent[0]++);
        });
        await().atMost(Duration.ofSeconds(15)).until(() -> replies.size() == 7);
        assertThat(closed).isNotDone();
        socket.close();
    }

    /** The value of one sample on /q/metrics, or "-" when there is none. */
    private String metric(String sample) {
        return management().get("/q/metrics").asString().lines().filter(line -> line.startsWith(sample + " "))
                .map(line -> line.substring(sample.length() + 1)).findFirst().orElse("-");
    }
}
