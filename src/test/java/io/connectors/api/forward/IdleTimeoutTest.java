package io.connectors.api.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.connectors.api.support.FakeKubeAuth;
import io.connectors.api.support.Fixtures;
import io.connectors.api.support.GatewayTest;
import io.connectors.api.support.MockCluster;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.RestAssured;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The idle timeout (2 s in tests) counts bytes in both directions: a slow upload is not idle. */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = MockCluster.class)
class IdleTimeoutTest extends GatewayTest {

    private static final String WRITE_PASSTHROUGH = "enable-connector-apis-write-passthrough";

    private String namespace;
    private String token;
    private Vertx vertx;

    @BeforeEach
    void connector() {
        namespace = Fixtures.unique("idle");
        token = FakeKubeAuth.newToken("idle");
        fixtures.connectorClass("plain", null);
        fixtures.connector(namespace, "c", "plain", tool.url(), null, null);
        FakeKubeAuth.grantGet(token, namespace, "c");
        fixtures.flag(WRITE_PASSTHROUGH, true);
        vertx = Vertx.vertx();
    }

    @AfterEach
    void close() {
        fixtures.flag(WRITE_PASSTHROUGH, false);
        vertx.close();
    }

    @Test
    void anUploadLongerThanTheIdleTimeoutToAToolThatAnswersAtTheEndSucceeds() throws Exception {
        // 14 chunks of 1 KiB, one every 300 ms: about 4 s in all, twice the idle timeout, never 2 s quiet.
        int chunks = 14;
        HttpClient client = vertx.createHttpClient();
        Promise<Buffer> answered = Promise.promise();
        int[] status = {0};
        client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
                .setPort(RestAssured.port).setURI(apiPath(namespace, "c") + "/upload")
                .putHeader("Authorization", "Bearer " + token))
                .onSuccess(request -> {
                    request.setChunked(true);
                    // The body handler is set as the response arrives, before its bytes are dropped.
                    request.response().compose(response -> {
                        status[0] = response.statusCode();
                        return response.body();
                    }).onComplete(answered);
                    writeSlowly(request, chunks);
                })
                .onFailure(answered::fail);
        Buffer body = answered.future().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(status[0]).as(body.toString()).isEqualTo(200);
        assertThat(new JsonObject(body).getLong("bytes")).isEqualTo(chunks * 1024L);
    }

    private void writeSlowly(HttpClientRequest request, int left) {
        if (left == 0) {
            request.end();
            return;
        }
        request.write(Buffer.buffer(new byte[1024]));
        vertx.setTimer(300, id -> writeSlowly(request, left - 1));
    }

    @Test
    void aSilentToolIsStill504() {
        as(token).get(apiPath(namespace, "c") + "/silent").then().statusCode(504).body("reason", equalTo("Timeout"));
    }
}
