package io.connectors.api.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.connectors.api.support.RawHttp;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Faults of tools and callers, with the packaged gateway on a real cluster: a tool that is down or
 * silent, callers who leave in the middle of a body, a custom API that answers garbage. The idle
 * timeout here (15 s) is longer than the waits for a freed connection (10 s): a connection the tool
 * sees closed within them was closed because the caller left, not because the call went idle.
 */
@QuarkusIntegrationTest
@WithTestResource(value = RealCluster.class, initArgs = {
        @ResourceArg(name = "crds", value = "project"),
        @ResourceArg(name = "config", value = "connectors.proxy.connect-timeout=3s;connectors.proxy.idle-timeout=15s") })
class FaultsIT {

    static final Duration WATCH = Duration.ofSeconds(20);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(15);
    /** Shorter than the idle timeout: what is freed within it was freed by the caller leaving. */
    static final Duration FREED = Duration.ofSeconds(10);

    static Vertx vertx;

    RealCluster cluster;
    ClusterObjects objects;
    String namespace;
    String alice;
    Tool tool;

    @BeforeAll
    static void vertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void closeVertx() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @BeforeEach
    void setUp() throws Exception {
        cluster = RealCluster.current();
        namespace = "faults-" + UUID.randomUUID().toString().substring(0, 8);
        cluster.admin().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
                .endMetadata().build()).create();
        objects = new ClusterObjects(cluster.admin(), namespace);
        objects.flag("enable-connector-apis-write-passthrough", "true");
        alice = cluster.token("alice");
        tool = new Tool();
    }

    @AfterEach
    void closeTool() throws Exception {
        tool.close();
    }

    /** A Connector to {@code address} (class "plain-…", no credentials) that alice may get. */
    String connector(String name, String address) {
        String className = "plain-" + namespace;
        objects.connectorClass(className, Map.of("address", Map.of("name", "address", "type", "string")));
        objects.connector(name, Map.of("connectorClassName", className, "address", address));
        objects.grantGet("alice", name);
        return "/connectors/v1alpha1/" + namespace + "/" + name + "/path";
    }

    /** A Connector to the tool, once the gateway serves it. */
    String connectorToTool(String name) {
        String path = connector(name, tool.url());
        await().atMost(WATCH).untilAsserted(() -> get(path + "/hello").then().statusCode(200));
        return path;
    }

    Response get(String path) {
        return RestAssured.given().header("Authorization", "Bearer " + alice).urlEncodingEnabled(false).get(path);
    }

    @Test
    void aToolThatIsDownGives502AtOnce() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        String path = connector("down", "http://127.0.0.1:" + closedPort);
        await().atMost(WATCH).untilAsserted(() -> get(path + "/x").then().statusCode(502));

        long start = System.nanoTime();
        Response answer = get(path + "/x");
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(answer.statusCode()).isEqualTo(502);
        assertThat(answer.jsonPath().getString("kind")).isEqualTo("Status");
        assertThat(answer.jsonPath().getInt("code")).isEqualTo(502);
        assertThat(answer.jsonPath().getString("message")).contains("could not be reached");
        // A refused connection is an answer: the gateway does not sit out its connect timeout.
        assertThat(took).isLessThan(CONNECT_TIMEOUT);
    }

    @Test
    void aToolThatNeverAcceptsGives504AfterTheConnectTimeout() throws Exception {
        // A listening socket that never accepts, its backlog full: Linux drops further SYNs, so a
        // connection attempt hangs as it would to a host that has gone away (without leaving loopback).
        List<Socket> fillers = new ArrayList<>();
        try (ServerSocket deaf = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            for (int i = 0; i < 4; i++) {
                Socket filler = new Socket();
                fillers.add(filler);
                try {
                    filler.connect(new InetSocketAddress("127.0.0.1", deaf.getLocalPort()), 300);
                } catch (java.io.IOException full) {
                    // the backlog is full: what we wanted
                }
            }
            String path = connector("deaf", "http://127.0.0.1:" + deaf.getLocalPort());
            await().atMost(WATCH.plus(CONNECT_TIMEOUT)).untilAsserted(() -> get(path + "/x").then().statusCode(504));

            long start = System.nanoTime();
            Response answer = get(path + "/x");
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(answer.statusCode()).isEqualTo(504);
            assertThat(answer.jsonPath().getInt("code")).isEqualTo(504);
            assertThat(answer.jsonPath().getString("message")).contains("did not answer in time");
            assertThat(took).isGreaterThanOrEqualTo(CONNECT_TIMEOUT.minusMillis(100)).isLessThan(IDLE_TIMEOUT);
        } finally {
            for (Socket filler : fillers) {
                filler.close();
            }
        }
    }

    @Test
    void aSilentToolGives504AfterTheIdleTimeoutAndItsConnectionIsClosed() {
        String path = connectorToTool("silent");
        long start = System.nanoTime();
        Response answer = get(path + "/silent");
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(answer.statusCode()).isEqualTo(504);
        assertThat(answer.jsonPath().getInt("code")).isEqualTo(504);
        assertThat(took).isGreaterThanOrEqualTo(IDLE_TIMEOUT.minusMillis(100));
        // The connection with an unanswered request cannot be reused: it is closed, not pooled.
        await().atMost(FREED).untilAsserted(() -> assertThat(tool.inFlight()).isZero());
        get(path + "/after").then().statusCode(200);
    }

    @Test
    void aCallerWhoLeavesMidUploadCancelsTheUpstreamRequest() throws Exception {
        String path = connectorToTool("up");
        int pooled = tool.openConnections();
        try (Socket caller = new Socket("127.0.0.1", RestAssured.port)) {
            OutputStream out = caller.getOutputStream();
            out.write(("PUT " + path + "/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + alice
                    + "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + (1L << 30) + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            byte[] chunk = new byte[64 * 1024];
            for (int i = 0; i < 128; i++) { // 8 MiB of the announced 1 GiB
                out.write(chunk);
            }
            out.flush();
            await().atMost(WATCH).untilAsserted(() -> assertThat(tool.uploadedBytes()).isGreaterThan(1 << 20));
            assertThat(tool.inFlight()).isEqualTo(1);
        }
        await().atMost(FREED).untilAsserted(() -> {
            assertThat(tool.inFlight()).isZero();
            assertThat(tool.openConnections()).isLessThanOrEqualTo(pooled);
        });
        assertThat(tool.completedUploads()).isZero();
        get(path + "/after").then().statusCode(200);
    }

    @Test
    void aCallerWhoLeavesMidDownloadCancelsTheUpstreamRequest() throws Exception {
        String path = connectorToTool("down-load");
        int pooled = tool.openConnections();
        try (Socket caller = new Socket("127.0.0.1", RestAssured.port)) {
            caller.getOutputStream().write(("GET " + path + "/download HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                    + alice + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = caller.getInputStream();
            byte[] buffer = new byte[64 * 1024];
            long read = 0;
            while (read < 4 << 20) { // 4 MiB of an endless body
                int n = in.read(buffer);
                assertThat(n).isPositive();
                read += n;
            }
            assertThat(tool.inFlight()).isEqualTo(1);
        }
        await().atMost(FREED).untilAsserted(() -> {
            assertThat(tool.inFlight()).isZero();
            assertThat(tool.openConnections()).isLessThanOrEqualTo(pooled);
        });
        get(path + "/after").then().statusCode(200);
    }

    @Test
    void aCustomApiAnsweringGarbageIsPassedThroughAndTheGatewayStaysHealthy() {
        String className = "garbage-" + namespace;
        objects.connectorClass(className, Map.of(
                "address", Map.of("name", "address", "type", "string"),
                "api", Map.of("uri", tool.url(), "openapi", Map.of("openapi", "3.0.1",
                        "info", Map.of("title", "garbage", "version", "1"),
                        "paths", Map.of(
                                "/garbage/invalid-json", Map.of("get", Map.of("x-provider-type", "api")),
                                "/garbage/wrong-type", Map.of("get", Map.of("x-provider-type", "api")),
                                "/garbage/truncated", Map.of("get", Map.of("x-provider-type", "api")))))));
        objects.connector("api", Map.of("connectorClassName", className, "address", tool.url()));
        objects.grantGet("alice", "api");
        String path = "/connectors/v1alpha1/" + namespace + "/api/path";
        await().atMost(WATCH).untilAsserted(() -> get(path + "/garbage/invalid-json").then().statusCode(200));

        Response invalid = get(path + "/garbage/invalid-json");
        assertThat(invalid.contentType()).startsWith("application/json");
        assertThat(invalid.asString()).isEqualTo(Tool.INVALID_JSON);
        assertThat(tool.lastPluginMeta()).isNotNull(); // it went to the custom API, not the tool's own API

        Response wrongType = get(path + "/garbage/wrong-type");
        assertThat(wrongType.statusCode()).isEqualTo(200);
        assertThat(wrongType.contentType()).startsWith("text/html");
        assertThat(wrongType.asString()).isEqualTo(Tool.HTML);

        // The API promises 1000 bytes, sends 100 and closes: the caller gets those 100 and a closed
        // connection, never a complete-looking answer.
        RawHttp.Answer truncated = RawHttp.send("GET " + path + "/garbage/truncated HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: Bearer " + alice + "\r\n\r\n");
        assertThat(truncated.status()).isEqualTo(200);
        assertThat(truncated.text()).containsIgnoringCase("content-length: 1000");
        assertThat(truncated.body().length()).isLessThan(1000);

        RestAssured.given().baseUri("http://127.0.0.1").port(cluster.managementPort()).get("/q/health/ready")
                .then().statusCode(200);
        for (int i = 0; i < 3; i++) {
            get(path + "/garbage/wrong-type").then().statusCode(200);
        }
        get(path + "/plain").then().statusCode(200);
    }

    /**
     * A tool on 127.0.0.1 that counts its open connections and the requests it has not finished:
     * {@code /silent} never answers, {@code /upload} reads the body and answers at its end,
     * {@code /download} streams without end (with back-pressure), {@code /garbage/*} answers
     * invalid JSON, HTML, or 100 of 1000 announced bytes before closing; anything else: 200 "ok".
     */
    static final class Tool {
        static final String INVALID_JSON = "{\"items\": [1, 2, {\"name\": \"unterminated";
        static final String HTML = "<html><body>this is not the JSON you asked for</body></html>";

        private final HttpServer server;
        private final AtomicInteger openConnections = new AtomicInteger();
        private final AtomicInteger inFlight = new AtomicInteger();
        private final AtomicLong uploadedBytes = new AtomicLong();
        private final AtomicInteger completedUploads = new AtomicInteger();
        private volatile String lastPluginMeta;

        Tool() throws Exception {
            server = vertx.createHttpServer().connectionHandler(connection -> {
                openConnections.incrementAndGet();
                connection.closeHandler(closed -> openConnections.decrementAndGet());
            }).requestHandler(this::handle).listen(0, "127.0.0.1")
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }

        String url() {
            return "http://127.0.0.1:" + server.actualPort();
        }

        int openConnections() {
            return openConnections.get();
        }

        /** Requests whose answer has not ended and whose connection is still open. */
        int inFlight() {
            return inFlight.get();
        }

        long uploadedBytes() {
            return uploadedBytes.get();
        }

        int completedUploads() {
            return completedUploads.get();
        }

        String lastPluginMeta() {
            return lastPluginMeta;
        }

        void close() throws Exception {
            server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }

        private void handle(HttpServerRequest request) {
            inFlight.incrementAndGet();
            HttpServerResponse response = request.response();
            boolean[] done = {false};
            Runnable over = () -> {
                if (!done[0]) {
                    done[0] = true;
                    inFlight.decrementAndGet();
                }
            };
            response.endHandler(v -> over.run());
            response.closeHandler(v -> over.run()); // the connection closed before the answer ended
            if (request.getHeader("X-Plugin-Meta") != null) {
                lastPluginMeta = request.getHeader("X-Plugin-Meta");
            }
            String path = request.path();
            if (path.endsWith("/silent")) {
                return;
            }
            if (path.endsWith("/upload")) {
                request.handler(chunk -> uploadedBytes.addAndGet(chunk.length()));
                request.endHandler(v -> {
                    completedUploads.incrementAndGet();
                    response.end("{\"bytes\":" + uploadedBytes.get() + "}");
                });
                return;
            }
            if (path.endsWith("/download")) {
                response.setChunked(true).putHeader("Content-Type", "application/octet-stream");
                stream(response, Buffer.buffer(new byte[64 * 1024]));
                return;
            }
            if (path.endsWith("/garbage/invalid-json")) {
                response.putHeader("Content-Type", "application/json").end(INVALID_JSON);
            } else if (path.endsWith("/garbage/wrong-type")) {
                response.putHeader("Content-Type", "text/html; charset=utf-8").end(HTML);
            } else if (path.endsWith("/garbage/truncated")) {
                response.putHeader("Content-Type", "application/json").putHeader("Content-Length", "1000")
                        .write("{\"items\":[" + "1,".repeat(45)).onComplete(written -> request.connection().close());
            } else {
                request.body().onComplete(body -> response.end("ok"));
            }
        }

        private static void stream(HttpServerResponse response, Buffer chunk) {
            if (response.closed()) {
                return;
            }
            while (!response.closed() && !response.writeQueueFull()) {
                response.write(chunk.copy());
            }
            response.drainHandler(v -> stream(response, chunk));
        }
    }
}
