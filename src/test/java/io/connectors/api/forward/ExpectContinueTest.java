package io.connectors.api.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.connectors.api.support.FakeKubeAuth;
import io.connectors.api.support.FakeTool;
import io.connectors.api.support.Fixtures;
import io.connectors.api.support.GatewayTest;
import io.connectors.api.support.MockCluster;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.RestAssured;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code Expect: 100-continue} (curl sends it for every upload over 1 MiB, and waits a second for
 * the 100 when none comes): a caller the gateway lets through is told to go on once the tool is
 * being called, and the tool gets the body without the expectation; a refused caller gets its
 * final answer without a 100 and never has to send its body.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = MockCluster.class)
class ExpectContinueTest extends GatewayTest {

    private String namespace;
    private String token;

    @BeforeEach
    void connector() {
        namespace = Fixtures.unique("expect");
        token = FakeKubeAuth.newToken("uploader");
        fixtures.connectorClass("plain", null);
        fixtures.connector(namespace, "c", "plain", tool.url(), null, null);
        FakeKubeAuth.grantGet(token, namespace, "c");
        fixtures.flag("enable-connector-apis-write-passthrough", true);
    }

    private String head(String authorization) {
        return "PUT " + apiPath(namespace, "c") + "/upload HTTP/1.1\r\nHost: 127.0.0.1\r\n" + authorization
                + "Content-Length: 5\r\nExpect: 100-continue\r\n\r\n";
    }

    /** One answer's head (up to the blank line), read byte by byte so nothing after it is consumed. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void aCallerLetThroughIsToldToContinueAndTheToolGetsTheBodyWithoutTheExpectation() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(head("Authorization: Bearer " + token + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            // No body sent yet: the 100 must come first (a read timeout here is the defect).
            assertThat(readHead(socket.getInputStream())).startsWith("HTTP/1.1 100 Continue\r\n");
            socket.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
            String answer = readHead(socket.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 200");
        }
        FakeTool.Seen seen = tool.next();
        assertThat(seen.uri()).isEqualTo("/upload");
        assertThat(seen.headers()).doesNotContainKey("expect");
        assertThat(seen.headers().get("content-length")).containsExactly("5");
    }

    @Test
    void aRefusedCallerGetsItsFinalAnswerWithoutAHundred() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(head("Authorization: Bearer " + FakeKubeAuth.newToken("stranger") + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(readHead(socket.getInputStream())).startsWith("HTTP/1.1 403");
        }
        assertThat(tool.pending()).isZero();
    }
}
