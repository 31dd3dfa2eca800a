package io.connectors.api.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.connectors.api.support.DataStream;
import io.connectors.api.support.FakeKubeAuth;
import io.connectors.api.support.Fixtures;
import io.connectors.api.support.GatewayTest;
import io.connectors.api.support.MockCluster;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * 64 MiB each way through the gateway, hashed on both sides. The figures printed (MB/s, the
 * JVM's peak RSS) are for the record, not asserted: the JVM here hosts the test client, the
 * gateway and the fake tool together.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = MockCluster.class)
class StreamingTest extends GatewayTest {

    private static final long SIZE = 64L * 1024 * 1024;

    @TestHTTPResource("/")
    URL gateway;

    private String namespace;
    private String token;
    private HttpClient http;

    @BeforeEach
    void connector() {
        namespace = Fixtures.unique("stream");
        token = FakeKubeAuth.newToken("streamer");
        fixtures.connectorClass("plain", null);
        fixtures.connector(namespace, "big", "plain", tool.url(), null, null);
        FakeKubeAuth.grantGet(token, namespace, "big");
        fixtures.flag("enable-connector-apis-write-passthrough", true);
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    private URI uri(String apiPath) {
        return URI.create(gateway.toString().replaceAll("/$", "") + apiPath(namespace, "big") + apiPath);
    }

    @Test
    void uploadStreamsWithEqualHash() throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/upload"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new DataStream(SIZE)))
                .build(), HttpResponse.BodyHandlers.ofString());
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(response.statusCode()).isEqualTo(200);
        JsonObject seen = new JsonObject(response.body());
        assertThat(seen.getLong("bytes")).isEqualTo(SIZE);
        assertThat(seen.getString("sha256")).isEqualTo(DataStream.sha256(SIZE));
        report("upload", seconds);
    }

    @Test
    void downloadStreamsWithEqualHash() throws Exception {
        long start = System.nanoTime();
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(uri("/download?bytes=" + SIZE))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Length")).hasValue(Long.toString(SIZE));
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        long bytes = 0;
        try (InputStream body = response.body()) {
            byte[] chunk = new byte[64 * 1024];
            for (int n; (n = body.read(chunk)) > 0;) {
                digest.update(chunk, 0, n);
                bytes += n;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(bytes).isEqualTo(SIZE);
        assertThat(HexFormat.of().formatHex(digest.digest())).isEqualTo(DataStream.sha256(SIZE));
        report("download", seconds);
    }

    private static void report(String what, double seconds) throws Exception {
        String status = Files.readString(Path.of("/proc/self/status"));
        String rss = status.lines().filter(line -> line.startsWith("VmRSS") || line.startsWith("VmHWM"))
                .reduce((a, b) -> a + ", " + b).orElse("n/a").replaceAll("\\s+", " ");
        System.out.printf("STREAMING %s: %d MiB in %.2f s = %.1f MB/s; JVM %s%n", what, SIZE >> 20, seconds,
                SIZE / 1e6 / seconds, rss);
    }
}
