package io.connectors.api.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import com.fasterxml.jackson.databind.node.TextNode;
import io.connectors.api.apiref.ApiSpecs;
import io.connectors.api.model.ConnectorClassSpec.ApiSpec;
import io.connectors.api.model.ModelFixtures;
import io.connectors.api.model.NamedValue;
import io.connectors.api.support.FakeKubeAuth;
import io.connectors.api.support.Fixtures;
import io.connectors.api.support.GatewayTest;
import io.connectors.api.support.MockCluster;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Destinations with {@code connectors.destinations.deny=127.0.0.1/32,::1/128}: the shared fake
 * tool on 127.0.0.1 stands for a forbidden network and must never see a request; a second tool on
 * 127.0.0.2 (Linux routes all of 127/8 to the loopback interface) stands for an allowed one.
 * Every address used here is a loopback one, refused or not.
 */
@QuarkusTest
@TestProfile(RefusedDestinationsTest.LoopbackDenied.class)
@WithKubernetesTestServer(crud = true, setup = MockCluster.class)
class RefusedDestinationsTest extends GatewayTest {

    public static class LoopbackDenied implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("connectors.destinations.deny", "127.0.0.1/32,::1/128");
        }
    }

    private static final String OPENAPI = """
            {"openapi": "3.0.1", "info": {"title": "t", "version": "1"}, "paths": {
              "/custom-api": {"get": {"x-provider-type": "api"}},
              "/ext/{x}": {"get": {"x-openapi-address": "mirror"}},
              "/abs": {"get": {"x-openapi-address": "http://localhost:%d/absolute"}}
            }}""";

    private static Vertx vertx;
    private static HttpServer allowedTool;
    private static final BlockingQueue<String> allowedSeen = new LinkedBlockingQueue<>();

    @TestHTTPResource("/")
    URL gateway;

    @Inject
    ApiSpecs specs;

    private String namespace;
    private String token;

    @BeforeAll
    static void startAllowedTool() throws Exception {
        vertx = Vertx.vertx();
        allowedTool = vertx.createHttpServer().requestHandler(request -> {
            allowedSeen.add(request.uri() + " " + request.getHeader("Authorization"));
            if ("websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
                request.toWebSocket().onSuccess(ws -> ws.textMessageHandler(text -> ws.writeTextMessage("echo:" + text)));
            } else {
                request.response().end("allowed tool");
            }
        }).listen(0, "127.0.0.2").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stopAllowedTool() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @BeforeEach
    void caller() {
        namespace = Fixtures.unique("dest");
        token = FakeKubeAuth.newToken("dest");
        allowedSeen.clear();
        fixtures.connectorClass("plain", null);
        fixtures.secret(namespace, "creds", "kubernetes.io/basic-auth", Map.of("username", "robot", "password", "s3cret"));
    }

    private static String allowedUrl() {
        return "http://127.0.0.2:" + allowedTool.actualPort();
    }

    private int deniedPort() {
        return Integer.parseInt(tool.url().substring(tool.url().lastIndexOf(':') + 1));
    }

    private String connector(String className, String address, List<NamedValue> extensions) {
        String name = Fixtures.unique("c");
        fixtures.connector(namespace, name, className, address, "creds", extensions);
        FakeKubeAuth.grantGet(token, namespace, name);
        return name;
    }

    private String nextAllowed() throws InterruptedException {
        String next = allowedSeen.poll(10, TimeUnit.SECONDS);
        assertThat(next).as("the allowed tool saw a request").isNotNull();
        return next;
    }

    private void assertRefused(String name, String apiPath, String upstream, String host) {
        as(token).get(apiPath(namespace, name) + apiPath).then().statusCode(403)
                .body("kind", equalTo("Status")).body("reason", equalTo("Forbidden")).body("code", equalTo(403))
                .body("message", equalTo(upstream + " at host \"" + host + "\" is not an allowed destination"))
                .body("message", not(containsString("s3cret")));
    }

    @Test
    void aToolOnAnAllowedAddressWorks() throws Exception {
        String name = connector("plain", allowedUrl() + "/base", null);
        as(token).get(apiPath(namespace, name) + "/api/x?y=1").then().statusCode(200).body(equalTo("allowed tool"));
        assertThat(nextAllowed()).startsWith("/base/api/x?y=1 Basic ");
    }

    @Test
    void aDeniedAddressIs403AndTheToolReceivesNothing() {
        String name = connector("plain", tool.url(), null);
        assertRefused(name, "/api/x", "the tool of connector \"" + namespace + "/" + name + "\"", "127.0.0.1");
        assertThat(tool.pending()).isZero();
    }

    @Test
    void aNameResolvingToADeniedAddressIsRefusedAfterDns() {
        String name = connector("plain", "http://localhost:" + deniedPort(), null);
        assertRefused(name, "/api/x", "the tool of connector \"" + namespace + "/" + name + "\"", "localhost");
        assertThat(tool.pending()).isZero();
    }

    @Test
    void otherSpellingsOfTheLocalHostAreRefusedToo() {
        // 0.0.0.0 reaches the local host on Linux: refused whatever is configured, so that it cannot
        // dodge a loopback deny. An IPv4-mapped IPv6 address is judged as the IPv4 address it carries.
        String unspecified = connector("plain", "http://0.0.0.0:" + deniedPort(), null);
        assertRefused(unspecified, "/x", "the tool of connector \"" + namespace + "/" + unspecified + "\"", "0.0.0.0");
        String mapped = connector("plain", "http://[::ffff:127.0.0.1]:" + deniedPort(), null);
        assertRefused(mapped, "/x", "the tool of connector \"" + namespace + "/" + mapped + "\"", "::ffff:127.0.0.1");
        assertThat(tool.pending()).isZero();
    }

    @Test
    void addressExtensionsAndAbsoluteXOpenapiAddressesAreCheckedToo() throws Exception {
        String className = Fixtures.unique("ext");
        fixtures.connectorClass(className, new ApiSpec(null, allowedUrl() + "/custom",
                ModelFixtures.json(OPENAPI.formatted(deniedPort()))));
        String name = connector(className, allowedUrl() + "/tool",
                List.of(new NamedValue("mirror", new TextNode(tool.url() + "/mirror"))));
        String upstream = "the tool of connector \"" + namespace + "/" + name + "\"";

        as(token).get(apiPath(namespace, name) + "/plain/path").then().statusCode(200);
        assertThat(nextAllowed()).startsWith("/tool/plain/path ");
        assertRefused(name, "/ext/one", upstream, "127.0.0.1");
        assertRefused(name, "/abs", upstream, "localhost");
        assertThat(tool.pending()).isZero();
    }

    @Test
    void aCustomApiOnADeniedAddressIsRefused() throws Exception {
        String className = Fixtures.unique("capi");
        fixtures.connectorClass(className, new ApiSpec(null, tool.url() + "/custom",
                ModelFixtures.json(OPENAPI.formatted(deniedPort()))));
        String name = connector(className, allowedUrl() + "/tool", null);
        String upstream = "the custom API of connectorclass '" + className + "'";

        assertRefused(name, "/custom-api", upstream, "127.0.0.1");
        as(token).get("/connectors/v1alpha1/namespaces/" + namespace + "/connectors/" + name + "/resources/gitrefs")
                .then().statusCode(403).body("reason", equalTo("Forbidden"))
                .body("message", equalTo(upstream + " at host \"127.0.0.1\" is not an allowed destination"));
        assertThat(tool.pending()).isZero();
        // The same Connector's proxy-mode paths go to its (allowed) tool.
        as(token).get(apiPath(namespace, name) + "/api/v4/user").then().statusCode(200);
        assertThat(nextAllowed()).startsWith("/tool/api/v4/user ");
    }

    private CompletableFuture<WebSocket> webSocket(Vertx client, String name) {
        WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(gateway.getPort())
                .setURI(apiPath(namespace, name) + "/events").addHeader("Authorization", "Bearer " + token);
        return client.createHttpClient().webSocket(options).toCompletionStage().toCompletableFuture();
    }

    @Test
    void aWebSocketUpgradeToADeniedAddressIsRefusedAndOneToAnAllowedAddressIsTunnelled() throws Exception {
        Vertx client = Vertx.vertx();
        // An upgrade is a write (a channel that can write).
        fixtures.flag("enable-connector-apis-write-passthrough", true);
        try {
            String denied = connector("plain", "http://localhost:" + deniedPort(), null);
            assertThat(webSocket(client, denied))
                    .failsWithin(10, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(UpgradeRejectedException.class)
                    .satisfies(e -> assertThat(((UpgradeRejectedException) e.getCause()).getStatus()).isEqualTo(403));
            assertThat(tool.pending()).isZero();

            String allowed = connector("plain", allowedUrl() + "/ws", null);
            WebSocket socket = webSocket(client, allowed).get(10, TimeUnit.SECONDS);
            CompletableFuture<String> reply = new CompletableFuture<>();
            socket.textMessageHandler(reply::complete);
            socket.writeTextMessage("hello");
            assertThat(reply.get(10, TimeUnit.SECONDS)).isEqualTo("echo:hello");
            assertThat(nextAllowed()).startsWith("/ws/events Basic ");
        } finally {
            client.close();
            fixtures.flag("enable-connector-apis-write-passthrough", false);
        }
    }

    @Test
    void aPublishedOpenApiOnADeniedAddressIsNotFetched() {
        String className = Fixtures.unique("selfreg-denied");
        fixtures.connectorClass(className, Map.of(ApiSpecs.ANNOTATION, "/openapi.json"), new ApiSpec(null, tool.url(), null));
        await().atMost(Fixtures.VISIBLE).untilAsserted(() -> assertThat(specs.state(className)).hasValueSatisfying(
                state -> assertThat(state.error()).hasValueSatisfying(error -> assertThat(error)
                        .contains("is not an allowed destination"))));
        assertThat(specs.state(className).orElseThrow().document()).isEmpty();
        assertThat(tool.pending()).isZero();
    }
}
