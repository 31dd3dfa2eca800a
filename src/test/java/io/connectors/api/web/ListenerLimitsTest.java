package io.connectors.api.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.connectors.api.support.GatewayTest;
import io.connectors.api.support.MockCluster;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.RestAssured;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Slowloris on raw sockets, with the listener limits of application.properties made small: a client
 * that sends part of a request head and then nothing is disconnected after the server's idle
 * timeout (Vert.x's, {@code quarkus.http.idle-timeout}), and connections past
 * {@code quarkus.http.limits.max-connections} are closed unanswered until some close.
 */
@QuarkusTest
@TestProfile(ListenerLimitsTest.SmallLimits.class)
@WithKubernetesTestServer(crud = true, setup = MockCluster.class)
class ListenerLimitsTest extends GatewayTest {

    private static final int CAP = 4;

    public static final class SmallLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.idle-timeout", "4s", "quarkus.http.limits.max-connections", Integer.toString(CAP));
        }
    }

    private static final String REQUEST = "GET /connectors/version HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";

    @Test
    void aPartialHeadIsDisconnected() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            socket.setSoTimeout(15_000);
            long start = System.nanoTime();
            socket.getOutputStream().write("GET /connectors/version HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
                    .getBytes(StandardCharsets.ISO_8859_1));
            // No answer and no wait without end: the server closes the connection (read ends, rather than timing out).
            assertThat(readAll(socket.getInputStream())).isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        }
    }

    @Test
    void aConnectionThatSendsNothingIsDisconnected() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            socket.setSoTimeout(15_000);
            assertThat(readAll(socket.getInputStream())).isEmpty();
        }
    }

    @Test
    void connectionsPastTheCapAreClosedUnanswered() throws IOException {
        List<Socket> holders = new ArrayList<>();
        try {
            for (int i = 0; i < CAP; i++) {
                Socket holder = new Socket("127.0.0.1", RestAssured.port);
                holders.add(holder);
                // A slowloris's start: the server counts a connection once its first bytes have come.
                holder.getOutputStream().write("GET /connectors/version HTTP/1.1\r\n".getBytes(StandardCharsets.ISO_8859_1));
                holder.getOutputStream().flush();
            }
            // Each connection is counted on its own event loop once its bytes are read: the holders are
            // counted within moments, well inside the idle timeout, and from then on an extra one is refused.
            await().atMost(Duration.ofMillis(2_500)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
                try (Socket extra = new Socket("127.0.0.1", RestAssured.port)) {
                    extra.setSoTimeout(10_000);
                    extra.getOutputStream().write(REQUEST.getBytes(StandardCharsets.ISO_8859_1));
                    assertThat(readAll(extra.getInputStream())).as("an answer past the cap").isEmpty();
                }
            });
        } finally {
            for (Socket holder : holders) {
                holder.close();
            }
        }
        // Once the holders are gone, connections are served again.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            try (Socket again = new Socket("127.0.0.1", RestAssured.port)) {
                again.setSoTimeout(10_000);
                again.getOutputStream().write(REQUEST.getBytes(StandardCharsets.ISO_8859_1));
                assertThat(readAll(again.getInputStream())).startsWith("HTTP/1.1 401");
            }
        });
    }

    /** Everything until the server closes the connection; a read timeout is a failure, not an end. */
    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        try {
            in.transferTo(received);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server kept the connection open: " + received.toString(StandardCharsets.ISO_8859_1), e);
        } catch (java.net.SocketException reset) {
            // A connection reset is a close too.
        }
        return received.toString(StandardCharsets.ISO_8859_1);
    }
}
