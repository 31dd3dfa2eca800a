package io.connectors.api.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.connectors.api.support.DataStream;
import io.connectors.api.support.FakeTool;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the packaged gateway (the jar, and the native executable: native/it.sh) must do with bodies
 * and connections that outlive one request, on a real cluster: a WebSocket tunnelled with the
 * Connector's credentials, and 256 MiB up and down with the SHA-256 equal on both ends. The
 * throughput printed is for the record (the test JVM generates and hashes both ends), not asserted.
 */
@QuarkusIntegrationTest
@WithTestResource(value = RealCluster.class, initArgs = @ResourceArg(name = "crds", value = "project"))
class StreamsAndWebSocketIT {

    static final long SIZE = 256L * 1024 * 1024;
    static final Duration WATCH = Duration.ofSeconds(20);

    static Vertx vertx;

    RealCluster cluster;
    ClusterObjects objects;
    FakeTool tool;
    String namespace;
    String token;

    @BeforeAll
    static void vertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void closeVertx() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @BeforeEach
    void connector() {
        cluster = RealCluster.current();
        tool = FakeTool.get();
        tool.clear();
        namespace = "streams-" + UUID.randomUUID().toString().substring(0, 8);
        cluster.admin().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
                .endMetadata().build()).create();
        objects = new ClusterObjects(cluster.admin(), namespace);
        objects.connectorClass("streams", Map.of("auth", Map.of("types",
                List.of(Map.of("name", "token", "secretType", "connectors.cpaas.io/bearer-token")))));
        cluster.admin().secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata()
                .withName("tool-token").withNamespace(namespace).addToLabels(ClusterObjects.CONNECTOR_SECRET, "true")
                .endMetadata().withType("connectors.cpaas.io/bearer-token").addToStringData("token", "tool-secret")
                .build()).serverSideApply();
        objects.connector("big", Map.of("connectorClassName", "streams", "address", tool.url() + "/base",
                "auth", Map.of("name", "token", "secretRef", Map.of("name", "tool-token"))));
        objects.grantGet("alice", "big");
        token = cluster.token("alice");
        // Uploads are writes: on for this class, back to the default (off) after each test, since
        // the classes on this cluster share the gateway's ConfigMap.
        objects.flag("enable-connector-apis-write-passthrough", "true");
        await().atMost(WATCH).untilAsserted(() -> RestAssured.given().header("Authorization", "Bearer " + token)
                .urlEncodingEnabled(false).body("{}").post(apiPath("/ready")).then().statusCode(200));
        tool.clear();
    }

    @AfterEach
    void writesOff() {
        objects.flag("enable-connector-apis-write-passthrough", "false");
    }

    String apiPath(String path) {
        return "/connectors/v1alpha1/" + namespace + "/big/path" + path;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + RestAssured.port + apiPath(path));
    }

    CompletableFuture<WebSocket> webSocket(String path, String bearer) {
        WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(RestAssured.port)
                .setURI(apiPath(path)).addHeader("Authorization", "Bearer " + bearer);
        return vertx.createHttpClient().webSocket(options).toCompletionStage().toCompletableFuture();
    }

    @Test
    void aWebSocketIsTunnelledWithTheConnectorsCredentials() throws Exception {
        WebSocket socket = webSocket("/events?x=1", token).get(10, TimeUnit.SECONDS);
        try {
            for (String text : List.of("hello", "again")) {
                CompletableFuture<String> reply = new CompletableFuture<>();
                socket.textMessageHandler(reply::complete);
                socket.writeTextMessage(text);
                assertThat(reply.get(10, TimeUnit.SECONDS)).isEqualTo("echo:" + text);
            }
        } finally {
            socket.close();
        }
        FakeTool.Seen seen = tool.next();
        assertThat(seen.uri()).isEqualTo("/base/events?x=1");
        assertThat(seen.headers("authorization")).containsExactly("Bearer tool-secret");
        assertThat(seen.headers().toString()).doesNotContain(token);
    }

    @Test
    void aWebSocketNeedsGetOnTheConnector() {
        assertThat(webSocket("/events", cluster.token("bob"))).failsWithin(10, TimeUnit.SECONDS)
                .withThrowableOfType(ExecutionException.class).withCauseInstanceOf(UpgradeRejectedException.class)
                .satisfies(e -> assertThat(((UpgradeRejectedException) e.getCause()).getStatus()).isEqualTo(403));
        assertThat(tool.pending()).isZero();
    }

    @Test
    void largeUploadAndDownloadKeepTheirSha256() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        String expected = DataStream.sha256(SIZE);

        long start = System.nanoTime();
        HttpResponse<String> upload = http.send(HttpRequest.newBuilder(uri("/upload"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new DataStream(SIZE))).build(),
                HttpResponse.BodyHandlers.ofString());
        double up = seconds(start);
        assertThat(upload.statusCode()).isEqualTo(200);
        JsonObject received = new JsonObject(upload.body());
        assertThat(received.getLong("bytes")).isEqualTo(SIZE);
        assertThat(received.getString("sha256")).isEqualTo(expected);

        start = System.nanoTime();
        HttpResponse<InputStream> download = http.send(HttpRequest.newBuilder(uri("/download?bytes=" + SIZE))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(download.statusCode()).isEqualTo(200);
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        long bytes = 0;
        try (InputStream body = download.body()) {
            byte[] chunk = new byte[64 * 1024];
            for (int n; (n = body.read(chunk)) > 0;) {
                digest.update(chunk, 0, n);
                bytes += n;
            }
        }
        double down = seconds(start);
        assertThat(bytes).isEqualTo(SIZE);
        assertThat(HexFormat.of().formatHex(digest.digest())).isEqualTo(expected);
        System.out.printf("StreamsAndWebSocketIT: %d MiB up %.0f MB/s, down %.0f MB/s (test JVM generating and hashing)%n",
                SIZE >> 20, SIZE / up / 1e6, SIZE / down / 1e6);

        List<FakeTool.Seen> seen = List.of(tool.next(), tool.next());
        assertThat(seen).extracting(FakeTool.Seen::uri).containsExactlyInAnyOrder("/base/upload",
                "/base/download?bytes=" + SIZE);
        assertThat(seen).allSatisfy(one -> assertThat(one.headers("authorization")).containsExactly("Bearer tool-secret"));
    }

    static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
