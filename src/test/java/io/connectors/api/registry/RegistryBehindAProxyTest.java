package io.connectors.api.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.connectors.api.support.FakeKubeAuth;
import io.connectors.api.support.GatewayTest;
import io.connectors.api.support.MockCluster;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.RestAssured;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The registry routes behind a TLS-terminating proxy: the challenge's realm (where docker and
 * containerd send the caller's Kubernetes token) is the gateway's public URL, https included, from
 * the one builder that reads trusted X-Forwarded-* (here only from 127.0.0.1); and the failed
 * authentications of {@code /v2/token} are counted under the connection's peer unless that peer is a
 * trusted proxy, so an X-Forwarded-For can neither escape the 429 nor lock out someone else.
 */
@QuarkusTest
@TestProfile(RegistryBehindAProxyTest.BehindAProxy.class)
@WithKubernetesTestServer(crud = true, setup = MockCluster.class)
class RegistryBehindAProxyTest extends GatewayTest {

    public static class BehindAProxy implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("connectors.proxy.trust-forwarded-headers", "true",
                    "connectors.proxy.trusted-proxies", "127.0.0.1/32",
                    "connectors.auth.max-failures-per-minute", "5");
        }
    }

    private static final String PROXY_HEADERS = "X-Forwarded-Proto: https\r\nX-Forwarded-Host: registry.example\r\n";

    @Test
    void theChallengeNamesTheTrustedProxysHttpsUrl() throws IOException {
        String fromProxy = answer("127.0.0.1", "GET /v2/ HTTP/1.1\r\n" + PROXY_HEADERS);
        assertThat(fromProxy).startsWith("HTTP/1.1 401")
                .containsIgnoringCase("www-authenticate: Bearer realm=\"https://registry.example/v2/token\",service=\"connectors-api\"");
        // The same headers from a peer that is no trusted proxy choose nothing.
        String fromElsewhere = answer("127.0.0.2", "GET /v2/ HTTP/1.1\r\n" + PROXY_HEADERS);
        assertThat(fromElsewhere).startsWith("HTTP/1.1 401")
                .containsIgnoringCase("www-authenticate: Bearer realm=\"http://127.0.0.1:" + RestAssured.port + "/v2/token\"");
        // A bad token at the token endpoint, and a failure on a Connector's route: the same challenge.
        assertThat(answer("127.0.0.1", "GET /v2/namespaces/ns/connectors/c/lib/tags/list HTTP/1.1\r\n" + PROXY_HEADERS
                + "Authorization: Bearer not-a-token\r\n"))
                .startsWith("HTTP/1.1 401").contains("realm=\"https://registry.example/v2/token\"");
    }

    @Test
    void anUntrustedPeersForwardedForEscapesNoLimit() throws IOException {
        for (int i = 0; i < 5; i++) {
            assertThat(answer("127.0.0.3", tokenRequest("bad-" + i) + "X-Forwarded-For: 192.0.2." + i + "\r\n"))
                    .startsWith("HTTP/1.1 401");
        }
        // Counted under 127.0.0.3 whatever it claimed: its sixth failure in the minute is refused unreviewed.
        assertThat(answer("127.0.0.3", tokenRequest("bad-5") + "X-Forwarded-For: 192.0.2.99\r\n"))
                .startsWith("HTTP/1.1 429");
    }

    @Test
    void anUntrustedPeerCannotLockOutAnotherAddress() throws IOException {
        for (int i = 0; i < 6; i++) {
            answer("127.0.0.4", tokenRequest("bad-" + i) + "X-Forwarded-For: 127.0.0.5\r\n");
        }
        String victimToken = FakeKubeAuth.newToken("victim");
        assertThat(answer("127.0.0.5", tokenRequest(victimToken))).startsWith("HTTP/1.1 200");
    }

    private static String tokenRequest(String kubernetesToken) {
        return "GET /v2/token HTTP/1.1\r\nAuthorization: Basic " + Base64.getEncoder()
                .encodeToString(("any:" + kubernetesToken).getBytes(StandardCharsets.UTF_8)) + "\r\n";
    }

    /** One request (its head without Host and the final blank line) sent from {@code localAddress}; the whole answer. */
    private static String answer(String localAddress, String head) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(localAddress, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", RestAssured.port), 5_000);
            socket.setSoTimeout(10_000);
            String request = head + "Host: 127.0.0.1:" + RestAssured.port + "\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            socket.getInputStream().transferTo(received);
            return received.toString(StandardCharsets.UTF_8);
        }
    }
}
