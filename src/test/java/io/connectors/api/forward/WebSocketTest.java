package io.connectors.api.forward;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = MockCluster.class)
class WebSocketTest extends GatewayTest {

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
    }

    @AfterEach
    void close() {
        vertx.close();
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
}
