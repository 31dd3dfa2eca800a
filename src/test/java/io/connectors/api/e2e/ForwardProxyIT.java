package io.connectors.api.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.connectors.api.authz.MethodPolicy;
import io.connectors.api.support.ChildProcess;
import io.connectors.api.support.DataStream;
import io.connectors.api.support.GitCli;
import io.connectors.api.support.GitHttpServer;
import io.connectors.api.support.TestCa;
import io.connectors.api.support.TlsTool;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The forward proxy with real clients against the real kube-apiserver (loopback only): curl with
 * {@code -x … -U ns/name:token}, git with {@code http.proxy}, kubectl with a kubeconfig
 * {@code proxy-url} and no credentials of its own (its CONNECT to the kube-apiserver's TLS port,
 * the Connector being the kube-apiserver with a ServiceAccount token), and 1 GiB through CONNECT.
 */
@QuarkusIntegrationTest
@WithTestResource(value = RealCluster.class, initArgs = @ResourceArg(name = "crds", value = "project"))
class ForwardProxyIT {

    static final Duration WATCH = Duration.ofSeconds(30);
    static final long GIB = 1L << 30;

    static RealCluster cluster;
    static String namespace;
    static Path work;
    static GitCli git;
    static GitHttpServer gitServer;
    static TlsTool tlsTool;
    static TestCa proxyCa;

    @BeforeAll
    static void connectors() throws Exception {
        cluster = RealCluster.current();
        KubernetesClient admin = cluster.admin();
        namespace = "fwd-" + UUID.randomUUID().toString().substring(0, 8);
        work = Files.createDirectories(cluster.cluster().dir().resolve("forward-proxy-" + namespace));
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build()).create();
        ClusterObjects objects = new ClusterObjects(admin, namespace);

        // The gateway's CA for CONNECT tunnels, as an operator would install it (kubectl create secret tls).
        proxyCa = TestCa.create("RSA");
        admin.secrets().inNamespace(RealCluster.SYSTEM_NAMESPACE).resource(new SecretBuilder().withNewMetadata()
                .withName("connectors-proxy-ca").withNamespace(RealCluster.SYSTEM_NAMESPACE).endMetadata()
                .withType("kubernetes.io/tls").addToStringData("tls.crt", proxyCa.certificatePem())
                .addToStringData("tls.key", proxyCa.keyPem()).build()).serverSideApply();
        Files.writeString(work.resolve("proxy-ca.pem"), proxyCa.certificatePem());

        // git: a git http-backend with its own Basic credentials, which the caller never has.
        git = GitCli.isolated();
        gitServer = GitHttpServer.start("git-robot", "robot-" + UUID.randomUUID());
        gitServer.seedDemoRepository(git, "demo");
        objects.connectorClass("git", Map.of(MethodPolicy.GIT_FETCH_IS_READ, "true"), Map.of(
                "address", Map.of("name", "address", "type", "string"),
                "auth", Map.of("types", List.of(Map.of("name", "basicAuth", "secretType", "kubernetes.io/basic-auth")))));
        objects.basicAuthSecret("git-creds", "git-robot", gitServer.password());
        objects.connector("repos", Map.of("connectorClassName", "git", "address", gitServer.url(),
                "auth", Map.of("name", "basicAuth", "secretRef", Map.of("name", "git-creds"))));
        objects.grantGet("alice", "repos");

        // The kube-apiserver as a tool: a ServiceAccount that may read ConfigMaps here, trusted by its CA.
        objects.connectorClass("kubernetes", Map.of(
                "address", Map.of("name", "address", "type", "string"),
                "auth", Map.of("types", List.of(Map.of("name", "bearerToken", "secretType", "connectors.cpaas.io/bearer-token")))));
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
                .withType("connectors.cpaas.io/bearer-token").addToStringData("token", lister).build()).serverSideApply();
        admin.secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata().withName("apiserver-ca")
                .withNamespace(namespace).addToLabels(ClusterObjects.CONNECTOR_SECRET, "true").endMetadata()
                .addToStringData("ca.crt", cluster.cluster().caPem()).build()).serverSideApply();
        objects.connector("kube", Map.of("connectorClassName", "kubernetes", "address", cluster.cluster().apiUrl(),
                "auth", Map.of("name", "bearerToken", "secretRef", Map.of("name", "lister-token")),
                "caCertSecretRef", Map.of("name", "apiserver-ca")));
        objects.grantGet("alice", "kube");
        admin.configMaps().inNamespace(namespace).resource(new ConfigMapBuilder().withNewMetadata().withName("first")
                .withNamespace(namespace).endMetadata().addToData("k", "v").build()).create();

        // An HTTPS tool that streams: 1 GiB through a CONNECT tunnel.
        tlsTool = new TlsTool();
        admin.secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata().withName("stream-ca")
                .withNamespace(namespace).addToLabels(ClusterObjects.CONNECTOR_SECRET, "true").endMetadata()
                .addToStringData("ca.crt", tlsTool.caPem()).build()).serverSideApply();
        objects.connectorClass("plain", Map.of("address", Map.of("name", "address", "type", "string")));
        objects.connector("stream", Map.of("connectorClassName", "plain", "address", tlsTool.url(),
                "caCertSecretRef", Map.of("name", "stream-ca")));
        objects.grantGet("alice", "stream");
    }

    @AfterAll
    static void stop() {
        if (gitServer != null) {
            gitServer.close();
        }
        if (tlsTool != null) {
            tlsTool.close();
        }
    }

    static String proxy() {
        return "http://127.0.0.1:" + cluster.forwardProxyPort();
    }

    /** The proxy URL as users write it: the Connector with %2F for its slash, the token as password. */
    static String proxyUrl(String user, String connector) {
        return "http://" + namespace + "%2F" + connector + ":" + cluster.token(user) + "@127.0.0.1:" + cluster.forwardProxyPort();
    }

    /** curl through the forward proxy; the proxy credentials in a config file, off the command line. */
    static ChildProcess.Result curl(String user, String connector, String... args) throws Exception {
        Path config = Files.createTempFile(work, "curl-", ".conf");
        if (user != null) {
            Files.writeString(config, "proxy-user = \"" + namespace + "/" + connector + ":" + cluster.token(user) + "\"\n");
        }
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "120", "-K", config.toString(),
                "-x", proxy(), "-w", "\n%{http_code} %{http_connect}"));
        command.addAll(List.of(args));
        ChildProcess.Result result = ChildProcess.run(command, work, noProxyEnvironment(), Duration.ofSeconds(180));
        System.out.println("[curl " + String.join(" ", args) + "]\n" + result.output());
        return result;
    }

    static Map<String, String> noProxyEnvironment() {
        Map<String, String> env = new HashMap<>();
        for (String name : List.of("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy")) {
            env.put(name, "");
        }
        return env;
    }

    static String statuses(ChildProcess.Result result) {
        String[] lines = result.output().strip().split("\n");
        return lines[lines.length - 1];
    }

    @Test
    void curlReachesTheToolOverHttpAndTheKubeApiServerThroughConnect() throws Exception {
        String refs = gitServer.repositoryUrl("demo") + "/info/refs?service=git-upload-pack";
        await().atMost(WATCH).pollInterval(Duration.ofMillis(500)).until(() -> statuses(curl("alice", "repos", refs)).startsWith("200"));
        ChildProcess.Result configMaps = curl("alice", "kube", "--cacert", work.resolve("proxy-ca.pem").toString(),
                cluster.cluster().apiUrl() + "/api/v1/namespaces/" + namespace + "/configmaps");
        assertThat(statuses(configMaps)).isEqualTo("200 200");
        assertThat(configMaps.output()).containsPattern("\"name\":\\s*\"first\"");
        // The lister may read ConfigMaps only: the kube-apiserver's own 403 comes back as it is.
        ChildProcess.Result secrets = curl("alice", "kube", "--cacert", work.resolve("proxy-ca.pem").toString(),
                cluster.cluster().apiUrl() + "/api/v1/namespaces/" + namespace + "/secrets");
        assertThat(statuses(secrets)).isEqualTo("403 200");
        assertThat(secrets.output()).contains("system:serviceaccount:" + namespace + ":lister");
    }

    @Test
    void curlIsRefusedWithoutCredentialsWithoutGetAndForAnotherTarget() throws Exception {
        String refs = gitServer.repositoryUrl("demo") + "/info/refs?service=git-upload-pack";
        assertThat(statuses(curl(null, "repos", refs))).startsWith("407");
        assertThat(statuses(curl("bob", "repos", refs))).startsWith("403");
        // alice may get "repos", but the kube-apiserver is not its address; nor is a port beside it.
        await().atMost(WATCH).pollInterval(Duration.ofMillis(500)).until(() -> statuses(curl("alice", "repos", refs)).startsWith("200"));
        ChildProcess.Result elsewhere = curl("alice", "repos", "--cacert", work.resolve("proxy-ca.pem").toString(),
                cluster.cluster().apiUrl() + "/api/v1/namespaces/" + namespace + "/configmaps");
        assertThat(elsewhere.exitCode()).isNotZero();
        assertThat(statuses(elsewhere)).endsWith(" 403");
        ChildProcess.Result otherPort = curl("alice", "repos", gitServer.url().replaceAll(":\\d+$", ":1") + "/demo.git/info/refs");
        assertThat(statuses(otherPort)).startsWith("403");
    }

    @Test
    void gitClonesWithHttpProxy() throws Exception {
        Path target = Files.createTempDirectory(work, "git-");
        // The proxy URL with the token goes through git's environment, off the command line.
        Map<String, String> env = Map.of("GIT_CONFIG_COUNT", "1", "GIT_CONFIG_KEY_0", "http.proxy",
                "GIT_CONFIG_VALUE_0", proxyUrl("alice", "repos"));
        await().atMost(WATCH).pollInterval(Duration.ofMillis(500)).until(() ->
                git.run(target, env, "ls-remote", gitServer.repositoryUrl("demo")).succeeded());
        GitCli.Result clone = git.run(target, env, "clone", gitServer.repositoryUrl("demo"), "demo");
        System.out.println("[git clone through the forward proxy]\n" + clone);
        assertThat(clone.succeeded()).as(clone.toString()).isTrue();
        assertThat(git.run(target.resolve("demo"), "log", "--format=%s", "main").orThrow().output())
                .isEqualTo("second commit\nfirst commit\n");
        assertThat(clone.output()).doesNotContain(gitServer.password());
        GitCli.Result bob = git.run(target, Map.of("GIT_CONFIG_COUNT", "1", "GIT_CONFIG_KEY_0", "http.proxy",
                "GIT_CONFIG_VALUE_0", proxyUrl("bob", "repos")), "clone", gitServer.repositoryUrl("demo"), "refused");
        assertThat(bob.succeeded()).as(bob.toString()).isFalse();
        assertThat(bob.output()).contains("403");
    }

    @Test
    void kubectlWithAProxyUrlAndNoCredentialsOfItsOwn() throws Exception {
        // The cluster entry is the kube-apiserver itself; its CA is the proxy's (the gateway terminates TLS).
        // The user has no credentials: kubectl 1.20 would prompt for a Basic login without a user name,
        // and the gateway drops whatever Authorization it sends (it sets the Connector's token).
        Path kubeconfig = work.resolve("through-proxy.kubeconfig");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters: [{name: real, cluster: {server: "%s", certificate-authority: "%s", proxy-url: "%s"}}]
                users: [{name: nobody, user: {username: via-forward-proxy}}]
                contexts: [{name: real, context: {cluster: real, user: nobody}}]
                current-context: real
                """.formatted(cluster.cluster().apiUrl(), work.resolve("proxy-ca.pem"), proxyUrl("alice", "kube")));
        Files.setPosixFilePermissions(kubeconfig, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        String kubectl = Path.of(Files.readString(cluster.cluster().dir().resolve(".bindir")).trim(), "kubectl").toString();
        Map<String, String> env = new HashMap<>(noProxyEnvironment());
        env.put("HOME", work.toString());
        List<String> command = List.of(kubectl, "--kubeconfig", kubeconfig.toString(), "--cache-dir",
                work.resolve("kube-cache").toString(), "--request-timeout", "20s", "get", "configmaps", "-n", namespace,
                "-o", "name");
        await().atMost(WATCH).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            ChildProcess.Result result = kubectl(command, env);
            System.out.println("[kubectl get configmaps through the forward proxy]\n" + result.output());
            assertThat(result.exitCode()).as(result.output()).isZero();
            assertThat(result.output()).contains("configmap/first");
        });
        // What the lister may not do, kubectl is told by the kube-apiserver itself.
        ChildProcess.Result secrets = kubectl(List.of(kubectl, "--kubeconfig", kubeconfig.toString(),
                "--cache-dir", work.resolve("kube-cache").toString(), "get", "secrets", "-n", namespace), env);
        assertThat(secrets.exitCode()).isNotZero();
        assertThat(secrets.output()).contains("forbidden").contains("system:serviceaccount:" + namespace + ":lister");
    }

    static ChildProcess.Result kubectl(List<String> command, Map<String, String> env) {
        return ChildProcess.run(command, work, env, Duration.ofSeconds(60));
    }

    @Test
    void oneGibThroughConnectArrivesWhole() throws Exception {
        String url = tlsTool.url() + "/download?bytes=" + GIB;
        await().atMost(WATCH).pollInterval(Duration.ofMillis(500)).until(() -> statuses(curl("alice", "stream",
                "--cacert", work.resolve("proxy-ca.pem").toString(), "-o", "/dev/null", tlsTool.url() + "/download?bytes=1")).equals("200 200"));
        Path config = Files.createTempFile(work, "curl-", ".conf");
        Files.writeString(config, "proxy-user = \"" + namespace + "/stream:" + cluster.token("alice") + "\"\n");
        long start = System.nanoTime();
        ChildProcess.Result result = ChildProcess.run(List.of("bash", "-c", "set -o pipefail; curl -sS --max-time 600 -K '"
                + config + "' -x " + proxy() + " --cacert '" + work.resolve("proxy-ca.pem") + "' '" + url
                + "' | sha256sum"), work, noProxyEnvironment(), Duration.ofMinutes(11));
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("[1 GiB through CONNECT] %.1f s, %.0f MiB/s%n", seconds, 1024 / seconds);
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output().strip()).startsWith(DataStream.sha256(GIB));
    }
}
