package io.connectors.api.forwardproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.connectors.api.resolve.InformerCaches;
import io.connectors.api.support.ChildProcess;
import io.connectors.api.support.FakeKubeAuth;
import io.connectors.api.support.FakeTool.Seen;
import io.connectors.api.support.Fixtures;
import io.connectors.api.support.GatewayTest;
import io.connectors.api.support.MockCluster;
import io.connectors.api.support.TestCa;
import io.connectors.api.support.TlsTool;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The forward proxy with a real client (curl) on the mock cluster: absolute-form requests and
 * CONNECT tunnels reach only the named Connectors' addresses, with their credentials, after the
 * same TokenReview and SubjectAccessReview as the API path.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = MockCluster.class)
class ForwardProxyTest extends GatewayTest {

    private static final String SYSTEM = "connectors-system";
    private static TlsTool tlsTool;
    private static Path work;

    @Inject
    ForwardProxyServer proxy;

    private String namespace;
    private String token;
    private TestCa proxyCa;

    @BeforeAll
    static void startTlsTool() throws Exception {
        tlsTool = new TlsTool();
        work = Files.createTempDirectory("forward-proxy-test");
    }

    @AfterAll
    static void stopTlsTool() {
        tlsTool.close();
    }

    @BeforeEach
    void caller() {
        namespace = Fixtures.unique("fwd");
        token = FakeKubeAuth.newToken("fwd");
        fixtures.connectorClass("plain", null);
    }

    private String connector(String address, String bearer) {
        String name = Fixtures.unique("c");
        String secret = null;
        if (bearer != null) {
            secret = name + "-secret";
            fixtures.secret(namespace, secret, "connectors.cpaas.io/bearer-token", Map.of("token", bearer));
        }
        fixtures.connector(namespace, name, "plain", address, secret, null);
        return name;
    }

    private String proxyUrl() {
        return "http://127.0.0.1:" + proxy.port();
    }

    /** curl's exit code, and what it printed: the body, then the status (and CONNECT status) on the last line. */
    private ChildProcess.Result curl(String... args) {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "20", "-w", "\n%{http_code} %{http_connect}",
                "-x", proxyUrl()));
        command.addAll(List.of(args));
        return ChildProcess.run(command, work, Map.of(), Duration.ofSeconds(30));
    }

    private static String statuses(ChildProcess.Result result) {
        String[] lines = result.output().strip().split("\n");
        return lines[lines.length - 1];
    }

    private void withProxyCa() throws Exception {
        proxyCa = TestCa.create("EC");
        Secret secret = new SecretBuilder().withNewMetadata().withNamespace(SYSTEM).withName("connectors-proxy-ca").endMetadata()
                .withType("kubernetes.io/tls").withData(Map.of(
                        "tls.crt", Base64.getEncoder().encodeToString(proxyCa.certificatePem().getBytes(StandardCharsets.UTF_8)),
                        "tls.key", Base64.getEncoder().encodeToString(proxyCa.keyPem().getBytes(StandardCharsets.UTF_8))))
                .build();
        Secret applied = client.resource(secret).createOr(io.fabric8.kubernetes.client.dsl.NonDeletingOperation::update);
        await().atMost(Fixtures.VISIBLE).until(() -> caches.proxyCaSecret().filter(seen -> Objects.equals(
                seen.getMetadata().getResourceVersion(), applied.getMetadata().getResourceVersion())).isPresent());
        Files.writeString(work.resolve("proxy-ca.pem"), proxyCa.certificatePem());
    }

    /** The TLS tool's CA, trusted by the gateway for Connectors (a labelled CA Secret, flag on). */
    private void gatewayTrustsTheTlsTool() {
        Secret bundle = new SecretBuilder().withNewMetadata().withNamespace(SYSTEM).withName("fwd-tls-tool-ca")
                .withLabels(Map.of(InformerCaches.CA_CERT_LABEL, "true")).endMetadata()
                .withData(Map.of("ca.crt", Base64.getEncoder().encodeToString(tlsTool.caPem().getBytes(StandardCharsets.UTF_8))))
                .build();
        client.resource(bundle).createOr(io.fabric8.kubernetes.client.dsl.NonDeletingOperation::update);
        await().atMost(Fixtures.VISIBLE).until(() -> caches.caCertSecrets().stream()
                .anyMatch(seen -> seen.getMetadata().getName().equals("fwd-tls-tool-ca")));
        fixtures.flag("enable-custom-ca-certs", true);
    }

    @Test
    void anAbsoluteFormRequestGetsTheConnectorsCredentialsAndNotTheCallers() throws Exception {
        String name = connector(tool.url() + "/prefix", "tool-token");
        FakeKubeAuth.grantGet(token, namespace, name);
        ChildProcess.Result result = curl("-U", namespace + "/" + name + ":" + token, tool.url() + "/prefix/repo/x?y=1");
        assertThat(statuses(result)).as(result.output()).startsWith("200");
        Seen seen = tool.next();
        assertThat(seen.uri()).isEqualTo("/prefix/repo/x?y=1");
        assertThat(seen.headers("authorization")).containsExactly("Bearer tool-token");
        assertThat(seen.header("proxy-authorization")).isNull();
        assertThat(seen.header("host")).isEqualTo(tool.url().substring("http://".length()));
        // The API path's metrics, with mode="forward".
        await().atMost(Fixtures.VISIBLE).untilAsserted(() -> assertThat(management().get("/q/metrics").asString())
                .containsPattern("connectors_requests_seconds_count\\{[^}]*mode=\"forward\"[^}]*status=\"200\"")
                .containsPattern("connectors_upstream_requests_seconds_count\\{[^}]*mode=\"forward\""));
    }

    @Test
    void aProxyUrlWithThePercentEncodedSlashWorksAsIs() throws Exception {
        String name = connector(tool.url(), "tool-token");
        FakeKubeAuth.grantGet(token, namespace, name);
        List<String> command = List.of("curl", "-sS", "--max-time", "20", "-w", "\n%{http_code}",
                "-x", "http://" + namespace + "%2F" + name + ":" + token + "@127.0.0.1:" + proxy.port(), tool.url() + "/x");
        ChildProcess.Result result = ChildProcess.run(command, work, Map.of(), Duration.ofSeconds(30));
        assertThat(statuses(result)).as(result.output()).isEqualTo("200");
        assertThat(tool.next().headers("authorization")).containsExactly("Bearer tool-token");
    }

    @Test
    void withoutCredentialsTheAnswerIs407WithABasicChallengeAndNothingIsSent() throws Exception {
        String name = connector(tool.url(), "tool-token");
        FakeKubeAuth.grantGet(token, namespace, name);
        ChildProcess.Result result = curl("-D", "-", tool.url() + "/x");
        assertThat(statuses(result)).startsWith("407");
        assertThat(result.output()).containsIgnoringCase("Proxy-Authenticate: Basic realm=\"connectors\"")
                .contains("\"kind\":\"Status\"");
        ChildProcess.Result badToken = curl("-U", namespace + "/" + name + ":not-a-token", tool.url() + "/x");
        assertThat(statuses(badToken)).startsWith("407");
        assertThat(badToken.output()).doesNotContain("not-a-token");
        assertThat(tool.pending()).isZero();
    }

    @Test
    void aCallerWithoutGetIsRefusedAndNothingIsSent() {
        String name = connector(tool.url(), "tool-token");
        ChildProcess.Result result = curl("-U", namespace + "/" + name + ":" + token, tool.url() + "/x");
        assertThat(statuses(result)).startsWith("403");
        assertThat(result.output()).contains("cannot get connectors.connectors.alauda.io");
        assertThat(tool.pending()).isZero();
    }

    @Test
    void aTargetThatIsNotTheConnectorsIsRefusedAndNothingIsSent() {
        String name = connector(tool.url() + "/prefix", "tool-token");
        FakeKubeAuth.grantGet(token, namespace, name);
        String user = namespace + "/" + name + ":" + token;
        String otherPort = "http://127.0.0.1:" + (tlsTool.port()) + "/prefix/x";
        for (String target : List.of(tool.url() + "/other/x", tool.url() + "/prefixed", otherPort,
                tool.url().replace("127.0.0.1", "localhost") + "/prefix/x")) {
            ChildProcess.Result result = curl("-U", user, target);
            assertThat(statuses(result)).as(target).startsWith("403");
            assertThat(result.output()).contains("no address of the Connectors named");
        }
        assertThat(tool.pending()).isZero();
        assertThat(tlsTool.pending()).isZero();
    }

    @Test
    void theFirstNamedConnectorWhoseAddressMatchesIsUsed() throws Exception {
        String other = connector("http://127.0.0.1:1/nothing", "other-token");
        String name = connector(tool.url(), "right-token");
        FakeKubeAuth.grantGet(token, namespace, other);
        FakeKubeAuth.grantGet(token, namespace, name);
        ChildProcess.Result result = curl("-U", namespace + "/" + other + "," + namespace + "/" + name + ":" + token,
                tool.url() + "/x");
        assertThat(statuses(result)).as(result.output()).startsWith("200");
        assertThat(tool.next().headers("authorization")).containsExactly("Bearer right-token");
    }

    @Test
    void writesNeedWritePassthroughAsOnTheApiPath() {
        String name = connector(tool.url(), "tool-token");
        FakeKubeAuth.grantGet(token, namespace, name);
        ChildProcess.Result result = curl("-U", namespace + "/" + name + ":" + token, "-X", "POST", "-d", "x", tool.url() + "/x");
        assertThat(statuses(result)).startsWith("405");
        assertThat(tool.pending()).isZero();
    }

    @Test
    void withProxyPermissionsOnTheProxySubresourceIsAskedToo() throws Exception {
        String name = connector(tool.url(), "tool-token");
        FakeKubeAuth.grantGet(token, namespace, name);
        fixtures.flag("enable-connector-proxy-permissions", true);
        try {
            ChildProcess.Result refused = curl("-U", namespace + "/" + name + ":" + token, tool.url() + "/x");
            assertThat(statuses(refused)).startsWith("403");
            assertThat(refused.output()).contains("connectors.connectors.alauda.io/proxy");
            assertThat(tool.pending()).isZero();
            FakeKubeAuth.grant(new FakeKubeAuth.Grant(FakeKubeAuth.userOf(token), "get", "proxy", namespace, name));
            // A new token: the denial above is cached for the first one.
            String second = FakeKubeAuth.newToken("fwd2");
            FakeKubeAuth.grantGet(second, namespace, name);
            FakeKubeAuth.grant(new FakeKubeAuth.Grant(FakeKubeAuth.userOf(second), "get", "proxy", namespace, name));
            ChildProcess.Result allowed = curl("-U", namespace + "/" + name + ":" + second, tool.url() + "/x");
            assertThat(statuses(allowed)).as(allowed.output()).startsWith("200");
            assertThat(tool.next().uri()).isEqualTo("/x");
        } finally {
            fixtures.flag("enable-connector-proxy-permissions", false);
        }
    }

    @Test
    void connectTerminatesTlsWithACertificateOfTheProxyCaAndForwardsWithTheConnectorsCredentials() throws Exception {
        withProxyCa();
        gatewayTrustsTheTlsTool();
        try {
            String name = connector(tlsTool.url() + "/api", "tls-tool-token");
            FakeKubeAuth.grantGet(token, namespace, name);
            ChildProcess.Result result = curl("--cacert", work.resolve("proxy-ca.pem").toString(),
                    "-U", namespace + "/" + name + ":" + token, tlsTool.url() + "/api/v4/projects?page=2");
            assertThat(statuses(result)).as(result.output()).isEqualTo("200 200");
            TlsTool.Seen seen = tlsTool.next();
            assertThat(seen.uri()).isEqualTo("/api/v4/projects?page=2");
            assertThat(seen.header("authorization")).isEqualTo("Bearer tls-tool-token");
            assertThat(seen.header("proxy-authorization")).isNull();
            // Every tunnel reaches the gateway's tunnel server (which once shared Quarkus's random port,
            // and then every other tunnel's requests were answered by Quarkus's router with a 404).
            for (int i = 0; i < 4; i++) {
                ChildProcess.Result again = curl("--cacert", work.resolve("proxy-ca.pem").toString(),
                        "-U", namespace + "/" + name + ":" + token, tlsTool.url() + "/api/again");
                assertThat(statuses(again)).as(again.output()).isEqualTo("200 200");
                assertThat(tlsTool.next().uri()).isEqualTo("/api/again");
            }
            // Inside the tunnel, the path is checked as for absolute-form requests.
            ChildProcess.Result outside = curl("--cacert", work.resolve("proxy-ca.pem").toString(),
                    "-U", namespace + "/" + name + ":" + token, tlsTool.url() + "/admin");
            assertThat(statuses(outside)).isEqualTo("403 200");
            assertThat(tlsTool.pending()).isZero();
        } finally {
            fixtures.flag("enable-custom-ca-certs", false);
        }
    }

    @Test
    void connectToAHostAndPortOfNoNamedConnectorIsRefused() throws Exception {
        withProxyCa();
        String name = connector(tlsTool.url(), "tls-tool-token");
        FakeKubeAuth.grantGet(token, namespace, name);
        ChildProcess.Result result = curl("--cacert", work.resolve("proxy-ca.pem").toString(),
                "-U", namespace + "/" + name + ":" + token, "https://127.0.0.1:" + tool.url().replaceAll(".*:", "") + "/x");
        assertThat(result.exitCode()).isNotZero();
        assertThat(statuses(result)).endsWith(" 403");
        ChildProcess.Result anonymous = curl("--cacert", work.resolve("proxy-ca.pem").toString(), tlsTool.url() + "/x");
        assertThat(statuses(anonymous)).endsWith(" 407");
        assertThat(tlsTool.pending()).isZero();
    }

    @Test
    void withoutTheCaSecretConnectIsRefusedWithAClearStatus() throws Exception {
        withProxyCa();
        client.secrets().inNamespace(SYSTEM).withName("connectors-proxy-ca").delete();
        await().atMost(Fixtures.VISIBLE).until(() -> caches.proxyCaSecret().isEmpty());
        String name = connector(tlsTool.url(), "tls-tool-token");
        FakeKubeAuth.grantGet(token, namespace, name);
        ChildProcess.Result result = curl("-v", "-U", namespace + "/" + name + ":" + token, tlsTool.url() + "/x");
        assertThat(statuses(result)).endsWith(" 405");
        assertThat(tlsTool.pending()).isZero();
    }
}
