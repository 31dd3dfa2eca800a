package io.connectors.api.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.connectors.api.model.ConnectorClassSpec.ApiSpec;
import io.connectors.api.model.ModelFixtures;
import io.connectors.api.support.ChildProcess;
import io.connectors.api.support.FakeKubeAuth;
import io.connectors.api.support.FakeTool;
import io.connectors.api.support.Fixtures;
import io.connectors.api.support.GatewayTest;
import io.connectors.api.support.MockCluster;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.RestAssured;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Behind a proxy that mounts the gateway under a path: with X-Forwarded-* trusted from 127.0.0.1
 * only, the {@code servers} of both kinds of OpenAPI document are the platform's URL, prefix included;
 * the same headers from another peer (127.0.0.2, still loopback) change nothing.
 */
@QuarkusTest
@TestProfile(TrustedForwardedHeadersTest.BehindAProxy.class)
@WithKubernetesTestServer(crud = true, setup = MockCluster.class)
class TrustedForwardedHeadersTest extends GatewayTest {

    public static class BehindAProxy implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("connectors.proxy.trust-forwarded-headers", "true",
                    "connectors.proxy.trusted-proxies", "127.0.0.1/32,::1");
        }
    }

    private static final String DOCUMENT = """
            {"openapi": "3.0.1", "info": {"title": "Tool", "version": "1"},
             "paths": {"/items": {"get": {"x-provider-type": "api"}}}}""";

    @jakarta.inject.Inject
    io.connectors.api.forwardproxy.ForwardProxyServer forwardProxy;

    private String namespace;
    private String token;

    @BeforeEach
    void aConnector() {
        namespace = Fixtures.unique("prefixed");
        String className = Fixtures.unique("tool");
        fixtures.connectorClass(className, new ApiSpec(null, tool.url(), ModelFixtures.json(DOCUMENT)));
        fixtures.connector(namespace, "tool", className, tool.url(), null, null);
        token = FakeKubeAuth.newToken("prefixed");
        FakeKubeAuth.grantGet(token, namespace, "tool");
    }

    @Test
    void aTrustedProxysPrefixHostAndProtoMakeTheServersUrl() {
        for (String url : new String[] {"/connectors/v1alpha1/" + namespace + "/openapi",
                "/connectors/v1alpha1/" + namespace + "/tool/openapi"}) {
            as(token).header("X-Forwarded-Proto", "https").header("X-Forwarded-Host", "platform.example")
                    .header("X-Forwarded-Prefix", "/clusters-rewrite/east/").get(url)
                    .then().statusCode(200)
                    .body("servers[0].url", equalTo("https://platform.example/clusters-rewrite/east"))
                    .body("paths.keySet()", org.hamcrest.Matchers.hasItem(
                            "/connectors/v1alpha1/" + namespace + "/tool/path/items"));
            // The first value of a list is the outermost proxy's.
            as(token).header("X-Forwarded-Host", "platform.example:8443, inner.example")
                    .header("X-Forwarded-Prefix", "/c1,/c2").get(url)
                    .then().statusCode(200).body("servers[0].url", equalTo("http://platform.example:8443/c1"));
            // What cannot be part of a URL is refused, not copied into one.
            as(token).header("X-Forwarded-Prefix", "/a/../b").get(url).then().statusCode(400)
                    .body("message", equalTo("invalid X-Forwarded-Prefix"));
            as(token).header("X-Forwarded-Prefix", "/a\"b").get(url).then().statusCode(400);
            as(token).header("X-Forwarded-Host", "evil.example/x").get(url).then().statusCode(400);
        }
    }

    @Test
    void theSameHeadersFromAnUntrustedPeerAreIgnored() throws IOException {
        String url = "/connectors/v1alpha1/" + namespace + "/openapi";
        JsonObject fromUntrusted = new JsonObject(bodyFrom("127.0.0.2", url));
        assertThat(fromUntrusted.getJsonArray("servers").getJsonObject(0).getString("url"))
                .isEqualTo("http://127.0.0.1:" + RestAssured.port);
        assertThat(fromUntrusted.getJsonObject("paths").fieldNames())
                .containsExactly("/connectors/v1alpha1/" + namespace + "/tool/path/items");
        JsonObject fromTrusted = new JsonObject(bodyFrom("127.0.0.1", url));
        assertThat(fromTrusted.getJsonArray("servers").getJsonObject(0).getString("url"))
                .isEqualTo("https://platform.example/clusters-rewrite/east");
    }

    @Test
    void toolsGetTheTrustedProxysForwardedHeadersOnlyFromIt() throws Exception {
        // One trust decision for every use: what the tool is told follows the same peer check.
        String url = "/connectors/v1alpha1/" + namespace + "/tool/path/other";
        bodyFrom("127.0.0.2", url);
        FakeTool.Seen untrusted = tool.next();
        assertThat(untrusted.headers("x-forwarded-host")).containsExactly("127.0.0.1:" + RestAssured.port);
        assertThat(untrusted.headers("x-forwarded-proto")).containsExactly("http");
        assertThat(untrusted.headers("x-forwarded-prefix")).isEmpty();
        bodyFrom("127.0.0.1", url);
        FakeTool.Seen trusted = tool.next();
        assertThat(trusted.headers("x-forwarded-host")).containsExactly("platform.example");
        assertThat(trusted.headers("x-forwarded-proto")).containsExactly("https");
    }

    @Test
    void aWebSocketUpgradeFollowsTheSameTrustDecision() throws Exception {
        // The tunnel once read the raw trust-forwarded-headers switch: any peer's headers passed.
        fixtures.flag("enable-connector-apis-write-passthrough", true);
        try {
            String url = "/connectors/v1alpha1/" + namespace + "/tool/path/ws";
            assertThat(upgradeFrom("127.0.0.2", url)).startsWith("HTTP/1.1 101");
            FakeTool.Seen untrusted = tool.next();
            assertThat(untrusted.headers("x-forwarded-host")).containsExactly("127.0.0.1:" + RestAssured.port);
            assertThat(untrusted.headers("x-forwarded-proto")).containsExactly("http");
            assertThat(untrusted.headers("x-forwarded-for")).containsExactly("127.0.0.2");
            assertThat(untrusted.headers("x-forwarded-prefix")).isEmpty();
            assertThat(upgradeFrom("127.0.0.1", url)).startsWith("HTTP/1.1 101");
            FakeTool.Seen trusted = tool.next();
            assertThat(trusted.headers("x-forwarded-host")).containsExactly("platform.example");
            assertThat(trusted.headers("x-forwarded-proto")).containsExactly("https");
            assertThat(trusted.headers("x-forwarded-prefix")).containsExactly("/clusters-rewrite/east");
        } finally {
            fixtures.flag("enable-connector-apis-write-passthrough", false);
        }
    }

    /** A WebSocket upgrade with a proxy's X-Forwarded-* headers from {@code localAddress}; the answer's head. */
    private String upgradeFrom(String localAddress, String path) throws IOException {
        try (Socket socket = sendFrom(localAddress, path, "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n")) {
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (head.indexOf("\r\n\r\n") < 0) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                head.append((char) b);
            }
            return head.toString();
        }
    }

    /** One GET with a proxy's X-Forwarded-* headers, sent from {@code localAddress}; the answer's body. */
    private String bodyFrom(String localAddress, String path) throws IOException {
        try (Socket socket = sendFrom(localAddress, path, "Connection: close\r\n")) {
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            socket.getInputStream().transferTo(received);
            String text = received.toString(StandardCharsets.UTF_8);
            assertThat(text).startsWith("HTTP/1.1 200");
            return text.substring(text.indexOf("\r\n\r\n") + 4);
        }
    }

    /** A socket from {@code localAddress} on which a GET with a proxy's X-Forwarded-* headers (and {@code more}) was sent. */
    private Socket sendFrom(String localAddress, String path, String more) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(localAddress, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", RestAssured.port), 5_000);
        socket.setSoTimeout(10_000);
        String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + RestAssured.port + "\r\n"
                + "Authorization: Bearer " + token + "\r\nX-Forwarded-Proto: https\r\n"
                + "X-Forwarded-Host: platform.example\r\nX-Forwarded-Prefix: /clusters-rewrite/east\r\n" + more + "\r\n";
        socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        return socket;
    }

    @Test
    void aForwardProxyCallerIsNeverATrustedProxyEvenFromATrustedAddress() throws Exception {
        // 127.0.0.1 is a trusted proxy here; the forward proxy's caller (and every request read inside one
        // of its CONNECT tunnels, which the gateway's own tunnel server receives from 127.0.0.1) is not.
        fixtures.connectorClass("plain", null);
        fixtures.connector(namespace, "via-proxy", "plain", tool.url(), null, null);
        FakeKubeAuth.grantGet(token, namespace, "via-proxy");
        tool.clear();
        ChildProcess.Result result = ChildProcess.run(java.util.List.of("curl", "-sS", "--max-time", "20", "-o", "/dev/null",
                "-w", "%{http_code}", "-x", "http://127.0.0.1:" + forwardProxy.port(), "-U", namespace + "/via-proxy:" + token,
                "-H", "X-Forwarded-For: 203.0.113.7", "-H", "X-Forwarded-Host: platform.example",
                "-H", "X-Forwarded-Proto: https", tool.url() + "/x"), java.nio.file.Files.createTempDirectory("forward-proxy-caller"), Map.of(),
                java.time.Duration.ofSeconds(30));
        assertThat(result.output().strip()).isEqualTo("200");
        FakeTool.Seen seen = tool.next();
        assertThat(seen.headers("x-forwarded-for")).containsExactly("127.0.0.1");
        assertThat(seen.header("x-forwarded-host")).isNotEqualTo("platform.example");
        assertThat(seen.header("x-forwarded-proto")).isEqualTo("http");
    }
}
