package io.connectors.api.forward;

import static org.assertj.core.api.Assertions.assertThat;

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
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code connectors.proxy.max-request-bytes} holds for bodies without a Content-Length too
 * (chunked): their bytes are counted as they stream, and past the limit the caller gets a 413
 * Status and the tool's request is aborted, never completed.
 */
@QuarkusTest
@TestProfile(ChunkedBodyLimitTest.OneMebibyte.class)
@WithKubernetesTestServer(crud = true, setup = MockCluster.class)
class ChunkedBodyLimitTest extends GatewayTest {

    private static final int LIMIT = 1 << 20;

    public static final class OneMebibyte implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("connectors.proxy.max-request-bytes", Integer.toString(LIMIT));
        }
    }

    private String namespace;
    private String token;
    private Vertx vertx;
    private HttpClient client;

    @BeforeEach
    void connector() {
        namespace = Fixtures.unique("chunked");
        token = FakeKubeAuth.newToken("chunked");
        fixtures.connectorClass("plain", null);
        fixtures.connector(namespace, "c", "plain", tool.url(), null, null);
        FakeKubeAuth.grantGet(token, namespace, "c");
        fixtures.flag("enable-connector-apis-write-passthrough", true);
        vertx = Vertx.vertx();
        client = vertx.createHttpClient();
    }

    @AfterEach
    void close() {
        fixtures.flag("enable-connector-apis-write-passthrough", false);
        vertx.close();
    }

    /** A chunked PUT of {@code bytes} to the tool's /upload, in 64 KiB chunks; the status and body of the answer. */
    private Map.Entry<Integer, String> upload(long bytes) throws Exception {
        Future<Map.Entry<Integer, String>> answer = client.request(new RequestOptions().setMethod(HttpMethod.PUT)
                .setHost("127.0.0.1").setPort(RestAssured.port).setURI(apiPath(namespace, "c") + "/upload")
                .putHeader("Authorization", "Bearer " + token)).compose(request -> {
                    request.setChunked(true);
                    Future<HttpClientResponse> response = request.response();
                    byte[] chunk = new byte[64 * 1024];
                    for (long sent = 0; sent < bytes; sent += chunk.length) {
                        request.write(Buffer.buffer(chunk).slice(0, (int) Math.min(chunk.length, bytes - sent)));
                    }
                    request.end();
                    return response;
                }).compose(response -> response.body().map(body -> Map.entry(response.statusCode(), body.toString())));
        return answer.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    @Test
    void aChunkedBodyUpToTheLimitPasses() throws Exception {
        Map.Entry<Integer, String> answer = upload(LIMIT);
        assertThat(answer.getKey()).isEqualTo(200);
        assertThat(new JsonObject(answer.getValue()).getLong("bytes")).isEqualTo(LIMIT);
    }

    @Test
    void aChunkedBodyPastTheLimitIs413AndTheToolsRequestIsAborted() throws Exception {
        int uploadsBefore = uploadsSeen();
        Map.Entry<Integer, String> answer = upload(3L * LIMIT);
        assertThat(answer.getKey()).isEqualTo(413);
        JsonObject status = new JsonObject(answer.getValue());
        assertThat(status.getString("kind")).isEqualTo("Status");
        assertThat(status.getString("reason")).isEqualTo("RequestEntityTooLarge");
        // The tool records an upload when its body ends: an aborted one never does.
        assertThat(uploadsSeen()).isEqualTo(uploadsBefore);
    }

    private int uploadsSeen() {
        return (int) tool.history().stream().filter(seen -> seen.uri().endsWith("/upload")).count();
    }
}
