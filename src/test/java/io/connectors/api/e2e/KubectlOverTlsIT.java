package io.connectors.api.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged gateway as prod runs it (HTTPS only, certificate files reloaded), with the real
 * kubectl as the caller: a {@code kubernetes}-class Connector whose address is the real
 * kube-apiserver, kubectl pointed at the Connector's path with alice's own token and the
 * gateway's CA. Listing and watching work; plain HTTP does not exist; a rotated certificate is
 * served without a restart.
 */
@QuarkusIntegrationTest
@WithTestResource(value = RealCluster.class, initArgs = {
        @ResourceArg(name = "crds", value = "project"), @ResourceArg(name = "tls", value = "only")})
class KubectlOverTlsIT {

    static final Duration WAIT = Duration.ofSeconds(30);

    static RealCluster cluster;
    static String namespace;
    static Path work;

    @BeforeAll
    static void kubeApiConnector() throws IOException {
        cluster = RealCluster.current();
        KubernetesClient admin = cluster.admin();
        namespace = "kubectl-" + UUID.randomUUID().toString().substring(0, 8);
        work = Files.createDirectories(cluster.cluster().dir().resolve("kubectl-" + namespace));
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
                .create();
        ClusterObjects objects = new ClusterObjects(admin, namespace);
        objects.connectorClass("kubernetes", Map.of(
                "address", Map.of("name", "address", "type", "string"),
                "auth", Map.of("types", List.of(Map.of("name", "bearerToken",
                        "secretType", "connectors.cpaas.io/bearer-token")))));
        // The Connector's own credential: a ServiceAccount that may read ConfigMaps here, nothing else.
        String lister = cluster.serviceAccountToken(namespace, "lister");
        admin.rbac().roles().inNamespace(namespace).resource(new RoleBuilder().withNewMetadata()
                .withName("configmap-reader").withNamespace(namespace).endMetadata().addNewRule().withApiGroups("")
                .withResources("configmaps").withVerbs("get", "list", "watch").endRule().build()).serverSideApply();
        admin.rbac().roleBindings().inNamespace(namespace).resource(new RoleBindingBuilder().withNewMetadata()
                .withName("lister-reads").withNamespace(namespace).endMetadata().withNewRoleRef()
                .withApiGroup("rbac.authorization.k8s.io").withKind("Role").withName("configmap-reader").endRoleRef()
                .addNewSubject().withKind("ServiceAccount").withName("lister").withNamespace(namespace).endSubject()
                .build()).serverSideApply();
        admin.secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata().withName("lister-token")
                .withNamespace(namespace).addToLabels(ClusterObjects.CONNECTOR_SECRET, "true").endMetadata()
                .withType("connectors.cpaas.io/bearer-token")
                .addToStringData("token", lister).build()).serverSideApply();
        admin.secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata().withName("apiserver-ca")
                .withNamespace(namespace).addToLabels(ClusterObjects.CONNECTOR_SECRET, "true").endMetadata()
                .addToStringData("ca.crt", cluster.cluster().caPem()).build())
                .serverSideApply();
        objects.connector("kube", Map.of("connectorClassName", "kubernetes",
                "address", cluster.cluster().apiUrl(),
                "auth", Map.of("name", "bearerToken", "secretRef", Map.of("name", "lister-token")),
                "caCertSecretRef", Map.of("name", "apiserver-ca")));
        objects.grantGet("alice", "kube");
        configMap("first");
    }

    static void configMap(String name) {
        cluster.admin().configMaps().inNamespace(namespace).resource(new ConfigMapBuilder().withNewMetadata()
                .withName(name).withNamespace(namespace).endMetadata().addToData("k", "v").build()).create();
    }

    static String server(String scheme, int port) {
        return scheme + "://127.0.0.1:" + port + "/connectors/v1alpha1/" + namespace + "/kube/path";
    }

    @Test
    void kubectlListsConfigMapsThroughTheGateway() {
        await().atMost(WAIT).untilAsserted(() -> {
            Result result = kubectl(server("https", cluster.httpsPort()), "alice", "get", "configmaps",
                    "-n", namespace, "-o", "name");
            assertThat(result.exit()).as(result.describe()).isZero();
            assertThat(result.stdout()).as(result.describe()).contains("configmap/first");
        });
    }

    @Test
    void kubectlWatchStreamsThroughTheGateway() throws Exception {
        kubectlListsConfigMapsThroughTheGateway();
        Process watch = start(server("https", cluster.httpsPort()), "alice", "get", "configmaps", "-n", namespace,
                "-o", "name", "-w");
        List<String> lines = new CopyOnWriteArrayList<>();
        StringBuilder errors = new StringBuilder();
        Thread out = drain(watch.getInputStream(), lines::add);
        Thread err = drain(watch.getErrorStream(), line -> {
            synchronized (errors) {
                errors.append(line).append('\n');
            }
        });
        try {
            // The initial list comes first; then a ConfigMap created afterwards must arrive as an event.
            await().atMost(WAIT).untilAsserted(() -> assertThat(lines).as(errors::toString).contains("configmap/first"));
            String name = "created-while-watching-" + UUID.randomUUID().toString().substring(0, 6);
            configMap(name);
            await().atMost(WAIT).untilAsserted(() -> assertThat(lines).as(errors::toString).contains("configmap/" + name));
            assertThat(watch.isAlive()).as("kubectl -w still streaming").isTrue();
        } finally {
            watch.destroy();
            if (!watch.waitFor(10, TimeUnit.SECONDS)) {
                watch.destroyForcibly();
            }
            out.join(10_000);
            err.join(10_000);
        }
    }

    @Test
    void aUserWithoutGetOnTheConnectorIsForbidden() {
        await().atMost(WAIT).untilAsserted(() -> {
            // --raw: without it kubectl's discovery is refused first and it only says it knows no
            // "configmaps". A raw path is absolute on the server (the --server path is not prefixed).
            Result result = kubectl(server("https", cluster.httpsPort()), "bob", "get", "--raw",
                    "/connectors/v1alpha1/" + namespace + "/kube/path/api/v1/namespaces/" + namespace + "/configmaps");
            assertThat(result.exit()).as(result.describe()).isNotZero();
            assertThat(result.stdout()).doesNotContain("first");
            assertThat(result.stderr()).as(result.describe()).contains("Forbidden")
                    .contains("cannot get connectors.connectors.alauda.io \"kube\"");
        });
    }

    @Test
    void thereIsNoPlainHttp() {
        kubectlListsConfigMapsThroughTheGateway();
        // The prod default opens no plain listener at all, not even on the port it was given.
        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), cluster.httpPort()).close())
                .isInstanceOf(ConnectException.class);
        Result plainPort = kubectl(server("http", cluster.httpPort()), "alice", "get", "configmaps", "-n", namespace,
                "-o", "name");
        assertThat(plainPort.exit()).as(plainPort.describe()).isNotZero();
        assertThat(plainPort.stdout()).isEmpty();
        // Plain HTTP spoken to the TLS port gets nothing either.
        Result tlsPort = kubectl(server("http", cluster.httpsPort()), "alice", "get", "configmaps", "-n", namespace,
                "-o", "name");
        assertThat(tlsPort.exit()).as(tlsPort.describe()).isNotZero();
        assertThat(tlsPort.stdout()).isEmpty();
    }

    @Test
    void kubectlWithholdsTheTokenFromAPlainHttpServer() throws Exception {
        // Why the gateway must serve HTTPS: over http:// kubectl sends no Authorization header at all.
        List<String> seen = new CopyOnWriteArrayList<>();
        HttpServer plain = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        plain.createContext("/", exchange -> {
            seen.add(exchange.getRequestURI().getPath() + " authorization="
                    + exchange.getRequestHeaders().containsKey("Authorization"));
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        plain.start();
        try {
            Result result = kubectl(server("http", plain.getAddress().getPort()), "alice", "get", "configmaps",
                    "-n", namespace);
            assertThat(result.exit()).as(result.describe()).isNotZero();
            assertThat(seen).isNotEmpty().allSatisfy(request -> assertThat(request).endsWith("authorization=false"));
        } finally {
            plain.stop(0);
        }
    }

    @Test
    void aRotatedCertificateIsServedWithoutRestart() throws Exception {
        kubectlListsConfigMapsThroughTheGateway();
        GatewayTls tls = cluster.tls();
        X509Certificate before = servedCertificate();
        assertThat(before).isEqualTo(tls.current());
        X509Certificate renewed = tls.issue();
        assertThat(renewed).isNotEqualTo(before);
        // reload-period is 1s in this test (1m in prod): the next handshakes get the new certificate.
        // A handshake that lands while Vert.x swaps the SSL context may be closed (a Vert.x 4.5
        // race, docs/SECURITY.md), so failed handshakes are retried here. The client sees that close
        // as a handshake failure or, when the server's close overtakes its hello, a connection reset...
        await().atMost(WAIT)
                .ignoreExceptionsMatching(e -> e instanceof SSLException || e instanceof SocketException)
                .untilAsserted(() -> assertThat(servedCertificate()).isEqualTo(renewed));
        // ...but only during the swap: afterwards every handshake succeeds, with the new certificate.
        for (int i = 0; i < 20; i++) {
            assertThat(servedCertificate()).isEqualTo(renewed);
        }
        Result afterRotation = kubectl(server("https", cluster.httpsPort()), "alice", "get", "configmaps",
                "-n", namespace, "-o", "name");
        assertThat(afterRotation.exit()).as(afterRotation.describe()).isZero();
        assertThat(afterRotation.stdout()).contains("configmap/first");
    }

    /** The leaf certificate of a fresh TLS handshake with the gateway, trusting only the gateway's CA. */
    static X509Certificate servedCertificate() throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("gateway-ca", GatewayTls.read(cluster.tls().caFile()));
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(),
                cluster.httpsPort())) {
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    record Result(int exit, String stdout, String stderr, List<String> args) {
        String describe() {
            return "kubectl " + String.join(" ", args) + "\nexit " + exit + "\nstdout: " + stdout + "\nstderr: " + stderr;
        }
    }

    static Result kubectl(String server, String user, String... args) {
        try {
            Process process = start(server, user, args);
            List<String> out = new CopyOnWriteArrayList<>();
            List<String> err = new CopyOnWriteArrayList<>();
            Thread outReader = drain(process.getInputStream(), out::add);
            Thread errReader = drain(process.getErrorStream(), err::add);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("kubectl " + String.join(" ", args) + " did not finish in 60s");
            }
            outReader.join(10_000);
            errReader.join(10_000);
            return new Result(process.exitValue(), String.join("\n", out), String.join("\n", err),
                    describedArgs(server, user, args));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run kubectl", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** kubectl from the same binaries as the cluster, with nothing from the machine's kubeconfig or proxies. */
    static Process start(String server, String user, String... args) throws IOException {
        Path kubeconfig = work.resolve("empty.kubeconfig");
        if (!Files.exists(kubeconfig)) {
            Files.writeString(kubeconfig, "apiVersion: v1\nkind: Config\n");
        }
        List<String> command = new ArrayList<>(List.of(kubectlBinary().toString(), "--kubeconfig",
                kubeconfig.toString(), "--cache-dir", work.resolve("cache").toString(), "--request-timeout", "20s",
                "--server", server, "--token", cluster.token(user),
                "--certificate-authority", cluster.tls().caFile().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        List.of("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy", "KUBECONFIG")
                .forEach(env::remove);
        env.put("NO_PROXY", "127.0.0.1,localhost");
        env.put("HOME", work.toString());
        Process process = builder.start();
        process.getOutputStream().close();
        return process;
    }

    /** The arguments without the token, for assertion messages. */
    static List<String> describedArgs(String server, String user, String... args) {
        List<String> described = new ArrayList<>(List.of("--server", server, "--token", "<" + user + "'s token>"));
        described.addAll(List.of(args));
        return described;
    }

    static Path kubectlBinary() throws IOException {
        // local-cluster.sh records where the binaries it started the cluster with live.
        String binDir = Files.readString(cluster.cluster().dir().resolve(".bindir")).trim();
        return Path.of(binDir, "kubectl");
    }

    static Thread drain(InputStream stream, java.util.function.Consumer<String> sink) {
        Thread thread = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    sink.accept(line);
                }
            } catch (IOException closed) {
                // the process ended
            }
        }, "kubectl-output");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
