package io.connectors.api.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.connectors.api.support.FakeKubeAuth;
import io.connectors.api.support.Fixtures;
import io.connectors.api.support.GatewayTest;
import io.connectors.api.support.MockCluster;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.RestAssured;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bursts cannot wedge a Connector: a caller that goes away frees its upstream connection at once
 * (the idle timeout here is a minute, so nothing else would free it), and a full pool answers 503
 * instead of making callers wait without end. Two Connectors in two namespaces share the tool: each
 * may hold half its places (the default share) and wait in half its line.
 */
@QuarkusTest
@TestProfile(UpstreamLimitsTest.SmallPool.class)
@WithKubernetesTestServer(crud = true, setup = MockCluster.class)
class UpstreamLimitsTest extends GatewayTest {

    public static final class SmallPool implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("connectors.proxy.idle-timeout", "60s",
                    "connectors.proxy.max-pool-size", "4",
                    "connectors.proxy.max-waiting-requests", "2",
                    "connectors.proxy.pool-wait-timeout", "1s");
        }
    }

    private String namespace;
    private String token;
    private String otherNamespace;
    private String otherToken;
    private Vertx vertx;
    private HttpClient callers;

    @BeforeEach
    void connector() {
        namespace = Fixtures.unique("limits");
        token = FakeKubeAuth.newToken("limits");
        fixtures.connectorClass("plain", null);
        fixtures.connector(namespace, "c", "plain", tool.url(), null, null);
        FakeKubeAuth.grantGet(token, namespace, "c");
        // Someone else's Connector, in their own namespace, of the same tool.
        otherNamespace = Fixtures.unique("limits-other");
        otherToken = FakeKubeAuth.newToken("limits-other");
        fixtures.connector(otherNamespace, "d", "plain", tool.url(), null, null);
        FakeKubeAuth.grantGet(otherToken, otherNamespace, "d");
        vertx = Vertx.vertx();
        // One connection per caller, as separate clients would have.
        callers = vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions(), new PoolOptions().setHttp1MaxSize(64));
    }

    @AfterEach
    void close() {
        vertx.close();
    }

    /** A call that the tool never answers, through Connector c ({@code i} even) or d ({@code i} odd). */
    private Future<HttpClientRequest> silentRequest(int i) {
        return i % 2 == 0 ? silentRequest(namespace, "c", token) : silentRequest(otherNamespace, "d", otherToken);
    }

    private Future<HttpClientRequest> silentRequest(String namespace, String connector, String token) {
        return callers.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1")
                .setPort(RestAssured.port).setURI(apiPath(namespace, connector) + "/silent")
                .putHeader("Authorization", "Bearer " + token));
    }

    /** Four silent calls, two per Connector, that hold every pooled connection (4) until the test resets them. */
    private List<Future<HttpClientRequest>> fillThePool() {
        List<Future<HttpClientRequest>> holding = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Future<HttpClientRequest> request = silentRequest(i);
            request.onSuccess(HttpClientRequest::send);
            holding.add(request);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> tool.pending() >= 4);
        return holding;
    }

    /** "status body", read together as the response arrives (a body asked for later is lost). */
    private static Future<String> answerOf(Future<HttpClientRequest> request) {
        return request.compose(HttpClientRequest::send)
                .compose(response -> response.body().map(body -> response.statusCode() + " " + body));
    }

    @Test
    void callersWhoGiveUpFreeTheirUpstreamConnectionsAndTheConnectorKeepsAnswering() throws Exception {
        int before = tool.openConnections();
        List<HttpClientRequest> gaveUp = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            HttpClientRequest request = silentRequest(i).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            request.send();
            gaveUp.add(request);
        }
        // Four calls reach the tool (the pool's size) and two wait for a connection, one per Connector.
        await().atMost(Duration.ofSeconds(10)).until(() -> tool.pending() >= 4);
        gaveUp.forEach(HttpClientRequest::reset);
        // Not the minute-long idle timeout: the gateway cuts each call when its caller leaves.
        await().atMost(Duration.ofSeconds(10)).until(() -> tool.openConnections() <= before);
        tool.clear();
        as(token).get(apiPath(namespace, "c") + "/still-there").then().statusCode(200);
        assertThat(tool.next().uri()).isEqualTo("/still-there");
    }

    @Test
    void aFullPoolAnswers503InsteadOfWaitingForever() throws Exception {
        List<Future<HttpClientRequest>> holding = fillThePool();
        // The pool (4) is full: of five more callers, two may wait, one per Connector (and are told
        // 503 after the 1 s pool wait), the others find their share of the line full: 503 at once.
        List<Future<String>> more = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            more.add(answerOf(silentRequest(i)));
        }
        int lineFull = 0;
        for (Future<String> answer : more) {
            String body = answer.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
            assertThat(body).startsWith("503 ");
            assertThat(body).contains("\"kind\":\"Status\"");
            if (body.contains("too many requests are waiting")) {
                lineFull++;
            } else {
                assertThat(body).contains("no connection to");
            }
        }
        assertThat(lineFull).isGreaterThanOrEqualTo(3);
        assertThat(tool.pending()).isEqualTo(4);
        holding.forEach(request -> request.onSuccess(HttpClientRequest::reset));
    }

    @Test
    void callersWhoLeaveTheWaitingLineFreeTheirPlacesAtOnce() throws Exception {
        List<Future<HttpClientRequest>> holding = fillThePool();
        // Two callers, one per Connector, take the two places in the line...
        List<HttpClientRequest> waiting = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            HttpClientRequest request = silentRequest(i).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            request.send();
            waiting.add(request);
        }
        // ...which is full once a newcomer is refused at once,
        await().atMost(Duration.ofSeconds(20)).until(() -> answerOf(silentRequest(0)).toCompletionStage()
                .toCompletableFuture().get(20, TimeUnit.SECONDS).contains("too many requests are waiting"));
        // ...then both give up before their turn.
        waiting.forEach(HttpClientRequest::reset);
        // Their places are free again: the next caller is let into the line (and, the pool still
        // being full, told after the pool wait that no connection became free), not refused at once.
        await().atMost(Duration.ofSeconds(20)).until(() -> answerOf(silentRequest(0)).toCompletionStage()
                .toCompletableFuture().get(20, TimeUnit.SECONDS).matches("(?s)503 .*no connection to.*"));
        holding.forEach(request -> request.onSuccess(HttpClientRequest::reset));
    }

    /**
     * One Connector's callers try to take every place at the tool, and more: they get its share (half
     * of 4) and one place in the line, while another namespace's Connector of the same tool is answered
     * at once instead of waiting behind them and being told 503.
     */
    @Test
    void oneConnectorsCallersLeaveTheOtherConnectorsOfTheToolTheirShare() throws Exception {
        List<Future<HttpClientRequest>> greedy = new ArrayList<>();
        List<Future<String>> answers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Future<HttpClientRequest> request = silentRequest(0);
            greedy.add(request);
            answers.add(answerOf(request));
        }
        // c holds its two places and one caller waits; the other two are refused at once, their
        // Connector's share of the line being full (not the line: d may still wait in it).
        await().atMost(Duration.ofSeconds(10)).until(() -> answers.stream().filter(answer -> answer.succeeded()
                && answer.result().contains("too many requests are waiting")).count() == 2);
        // None of c's calls ever ends: had d waited behind them, it would be told 503 after the pool wait.
        as(otherToken).get(apiPath(otherNamespace, "d") + "/fair-share").then().statusCode(200);
        greedy.forEach(request -> request.onSuccess(HttpClientRequest::reset));
    }

    /**
     * Callers who leave while their answer streams (the head passed, the body did not): each one's
     * place at the tool must come back. vertx-http-proxy resets such an answer, and Vert.x then
     * calls none of the exchange's end handlers; places kept that way, one per abandoned download,
     * would sooner or later have the Connector refuse everyone with 503.
     */
    @Test
    void callersWhoLeaveMidDownloadGiveTheirPlacesBack() throws Exception {
        String upstream = "connectors_upstream_calls{upstream=\"" + tool.url().replaceAll("/+$", "") + "\"}";
        // Three times as many as the places there are (pool 4 + waiting line 2).
        for (int i = 0; i < 18; i++) {
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", RestAssured.port)) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write(("GET " + apiPath(namespace, "c") + "/download?bytes=200000000 HTTP/1.1\r\n"
                        + "Host: 127.0.0.1\r\nAuthorization: Bearer " + token + "\r\n\r\n")
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                byte[] head = new byte[12];
                assertThat(socket.getInputStream().readNBytes(head, 0, head.length)).isEqualTo(head.length);
                assertThat(new String(head, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
                // Gone at once, mid-body, the way a killed client goes: a reset, not a polite close.
                socket.setSoLinger(true, 0);
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> management().get("/q/metrics").asString()
                .lines().anyMatch(line -> line.startsWith(upstream) && line.endsWith(" 0.0")));
        as(token).get(apiPath(namespace, "c") + "/after").then().statusCode(200);
    }
}
