package io.connectors.api.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.connectors.api.e2e.registry.RecordingProxy;
import io.connectors.api.e2e.registry.Registry;
import io.connectors.api.e2e.registry.TokenService;
import io.connectors.api.support.ChildProcess;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real container registry through the gateway: Debian's docker-registry (distribution 2.8) with
 * token authentication against a token service of the test, behind a Connector whose Secret
 * ({@code cpaas.io/distribution-registry-token}) holds the token service's username and password.
 * A recording proxy in front of the registry shows what reached it. The gateway serves HTTPS only
 * (its test CA given to skopeo with --cert-dir); only loopback destinations are allowed.
 */
@QuarkusIntegrationTest
@WithTestResource(value = RealCluster.class, initArgs = {
        @ResourceArg(name = "crds", value = "project"), @ResourceArg(name = "tls", value = "only"),
        @ResourceArg(name = "config", value = "connectors.destinations.allow=127.0.0.1/32")})
class RegistryThroughGatewayIT {

    static final String CONNECTOR = "registry";
    static final String ROBOT = "registry-robot";
    static final String SECRET_TYPE = "cpaas.io/distribution-registry-token";

    static boolean ready;
    static Path work;
    static String namespace;
    static String robotPassword;
    static TokenService tokenService;
    static Registry registry;
    static RecordingProxy recorder;
    static Registry.Pushed demo;
    static HttpClient https;

    RealCluster cluster;

    @BeforeEach
    void registryBehindTheGateway() throws Exception {
        cluster = RealCluster.current();
        if (ready) {
            return;
        }
        assertThat(Registry.installed()).as("docker-registry is needed: run scripts/registry-tools.sh").isTrue();
        assertThat(Path.of("/usr/bin/skopeo")).as("skopeo is needed: run scripts/registry-tools.sh").exists();
        stop();
        work = Files.createTempDirectory("registry-e2e-");
        robotPassword = "robot-" + UUID.randomUUID();
        tokenService = TokenService.start(work, Registry.SERVICE, ROBOT, robotPassword);
        registry = Registry.start(work, tokenService);
        demo = registry.push(work, "demo", "v1", "hello from the registry\n");
        recorder = RecordingProxy.start(registry.port());
        https = httpsClient();
        namespace = "reg-" + UUID.randomUUID().toString().substring(0, 8);
        connectRegistry();
        String alice = cluster.token("alice");
        await("the gateway serves the registry to alice").atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(get("/connectors/v1alpha1/" + namespace + "/" + CONNECTOR + "/path/v2/demo/tags/list", alice)
                        .statusCode()).isEqualTo(200));
        ready = true;
    }

    @AfterAll
    static void stop() throws Exception {
        ready = false;
        for (AutoCloseable closeable : new AutoCloseable[] {recorder, registry, tokenService}) {
            if (closeable != null) {
                closeable.close();
            }
        }
        recorder = null;
        registry = null;
        tokenService = null;
        if (work != null) {
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
            work = null;
        }
    }

    @Test
    void tagsAndManifestHeadThroughTheConnectorsApi() throws Exception {
        String alice = cluster.token("alice");
        String api = "/connectors/v1alpha1/" + namespace + "/" + CONNECTOR + "/path/v2/demo";

        HttpResponse<String> tags = get(api + "/tags/list", alice);
        HttpResponse<Void> head = https.send(request(api + "/manifests/v1", alice)
                .header("Accept", Registry.MANIFEST_TYPE).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding());

        System.out.printf("tags through the Connectors API: %d %s%nmanifest HEAD: %d %s%n", tags.statusCode(),
                tags.body(), head.statusCode(), head.headers().map());
        assertThat(tags.statusCode()).isEqualTo(200);
        assertThat(tags.body()).contains("\"name\":\"demo\"").contains("\"v1\"");
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("Docker-Content-Digest")).contains(demo.manifestDigest());
        assertThat(head.headers().firstValue("Content-Type")).contains(Registry.MANIFEST_TYPE);
        assertCredentialsWentOnlyWhereTheyBelong(alice);
        // The registry was sent the token service's tokens, and nothing else.
        assertThat(recorder.seen()).isNotEmpty().allSatisfy(seen ->
                assertThat(seen.authorization()).matches("|Bearer eyJ[A-Za-z0-9_.-]+"));
        assertThat(recorder.seen()).anySatisfy(seen -> assertThat(seen.authorization()).startsWith("Bearer eyJ"));
        assertThat(tokenService.queries()).anySatisfy(query ->
                assertThat(query).contains("service=" + Registry.SERVICE).contains("scope=repository%3Ademo%3Apull"));
    }

    @Test
    void aCallerWithoutGetOnTheConnectorIsRefused() throws Exception {
        String bob = cluster.token("bob");
        HttpResponse<String> tags = get("/connectors/v1alpha1/" + namespace + "/" + CONNECTOR + "/path/v2/demo/tags/list",
                bob);
        assertThat(tags.statusCode()).isEqualTo(403);

        HttpResponse<String> viaRoute = get("/v2/namespaces/" + namespace + "/connectors/" + CONNECTOR
                + "/demo/tags/list", bob);
        assertThat(viaRoute.statusCode()).isEqualTo(403);
        assertThat(viaRoute.body()).startsWith("{\"errors\":[{\"code\":\"DENIED\"");

        ChildProcess.Result inspect = skopeo("bob", "inspect", "--cert-dir", certDir().toString(),
                "--creds", "any:" + bob, image("demo:v1"));
        assertThat(inspect.exitCode()).isNotZero();
        assertThat(inspect.output()).contains("denied").doesNotContain(bob);
        assertCredentialsWentOnlyWhereTheyBelong(bob);
    }

    @Test
    void skopeoInspectsAndCopiesWithAKubernetesToken() throws Exception {
        String alice = cluster.token("alice");

        ChildProcess.Result inspect = skopeo("alice", "inspect", "--cert-dir", certDir().toString(),
                "--creds", "any:" + alice, image("demo:v1"));
        assertThat(inspect.exitCode()).as(inspect.output()).isZero();
        assertThat(inspect.output()).contains("\"Digest\": \"" + demo.manifestDigest() + "\"")
                .contains("\"Architecture\": \"amd64\"").contains(demo.layerDigest())
                .contains("RegistryThroughGatewayIT").doesNotContain(alice);

        Path copied = work.resolve("copied-" + UUID.randomUUID());
        ChildProcess.Result copy = skopeo("alice", "copy", "--src-cert-dir", certDir().toString(),
                "--src-creds", "any:" + alice, image("demo:v1"), "dir:" + copied);
        assertThat(copy.exitCode()).as(copy.output()).isZero();
        assertThat(copied.resolve("manifest.json")).exists();
        assertThat(Registry.digest(Files.readAllBytes(copied.resolve("manifest.json")))).isEqualTo(demo.manifestDigest());
        String layerFile = demo.layerDigest().substring("sha256:".length());
        assertThat(Registry.digest(Files.readAllBytes(copied.resolve(layerFile)))).isEqualTo(demo.layerDigest());
        assertCredentialsWentOnlyWhereTheyBelong(alice);
    }

    @Test
    void aPushNeedsWritePassthrough() throws Exception {
        String alice = cluster.token("alice");
        ClusterObjects objects = new ClusterObjects(cluster.admin(), namespace);
        Path source = work.resolve("push-source-" + UUID.randomUUID());
        ChildProcess.Result pull = skopeo("alice", "copy", "--src-cert-dir", certDir().toString(),
                "--src-creds", "any:" + alice, image("demo:v1"), "dir:" + source);
        assertThat(pull.exitCode()).as(pull.output()).isZero();
        String target = image("pushed:v1");
        try {
            objects.flag("enable-connector-apis-write-passthrough", "false");
            ChildProcess.Result refused = skopeo("alice (write passthrough off)", "copy", "--dest-cert-dir",
                    certDir().toString(), "--dest-creds", "any:" + alice, "dir:" + source, target);
            assertThat(refused.exitCode()).isNotZero();
            assertThat(refused.output()).contains("write passthrough is disabled");
            assertThat(registry.tags("pushed")).startsWith("404");

            objects.flag("enable-connector-apis-write-passthrough", "true");
            List<ChildProcess.Result> attempts = new ArrayList<>();
            await("skopeo pushes once write passthrough is on").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofSeconds(1)).until(() -> {
                        ChildProcess.Result push = skopeo("alice (write passthrough on)", "copy", "--dest-cert-dir",
                                certDir().toString(), "--dest-creds", "any:" + alice, "dir:" + source, target);
                        attempts.add(push);
                        return push.exitCode() == 0;
                    });
            assertThat(registry.tags("pushed")).startsWith("200").contains("\"v1\"");
            ChildProcess.Result inspect = skopeo("alice", "inspect", "--cert-dir", certDir().toString(),
                    "--creds", "any:" + alice, target);
            assertThat(inspect.output()).contains("\"Digest\": \"" + demo.manifestDigest() + "\"");
            assertCredentialsWentOnlyWhereTheyBelong(alice);
        } finally {
            objects.flag("enable-connector-apis-write-passthrough", "false");
        }
    }

    /**
     * The token service got the robot's Basic credentials or nothing, never the caller's token; the
     * registry got neither the robot's password nor the caller's token.
     */
    void assertCredentialsWentOnlyWhereTheyBelong(String callerToken) {
        String robotBasic = "Basic " + Base64.getEncoder().encodeToString((ROBOT + ":" + robotPassword)
                .getBytes(StandardCharsets.UTF_8));
        assertThat(tokenService.authorizations()).isNotEmpty().allSatisfy(authorization ->
                assertThat(authorization).isIn(robotBasic));
        assertThat(tokenService.queries()).allSatisfy(query -> assertThat(query).doesNotContain(callerToken));
        assertThat(recorder.seen()).allSatisfy(seen -> {
            assertThat(seen.authorization()).doesNotContain(callerToken).doesNotContain(robotPassword)
                    .isNotEqualTo(robotBasic);
            assertThat(seen.uri()).doesNotContain(callerToken).doesNotContain(robotPassword);
        });
    }

    String image(String repositoryAndTag) {
        return "docker://127.0.0.1:" + cluster.httpsPort() + "/namespaces/" + namespace + "/connectors/" + CONNECTOR
                + "/" + repositoryAndTag;
    }

    /** skopeo with the given arguments; what it printed goes to the build log, with tokens masked. */
    ChildProcess.Result skopeo(String who, String... args) throws Exception {
        Path home = Files.createDirectories(work.resolve("home"));
        Path policy = work.resolve("policy.json");
        Files.writeString(policy, "{\"default\":[{\"type\":\"insecureAcceptAnything\"}]}");
        List<String> command = new ArrayList<>(List.of("skopeo", "--policy", policy.toString(),
                "--command-timeout", "120s"));
        command.addAll(List.of(args));
        ChildProcess.Result result = ChildProcess.run(command, work, Map.of("HOME", home.toString(),
                "XDG_RUNTIME_DIR", home.toString(), "XDG_CONFIG_HOME", home.resolve(".config").toString()),
                Duration.ofSeconds(150));
        String shown = String.join(" ", command).replace(cluster.token("alice"), "<alice's token>")
                .replace(cluster.token("bob"), "<bob's token>");
        System.out.printf("---- %s: %s (exit %d) ----%n%s---- end of skopeo output ----%n", who, shown,
                result.exitCode(), result.output());
        return result;
    }

    /** The gateway's CA as containers/image reads a --cert-dir: *.crt files are CAs. */
    Path certDir() throws Exception {
        Path dir = work.resolve("gateway-certs");
        if (!Files.exists(dir.resolve("ca.crt"))) {
            Files.createDirectories(dir);
            Files.copy(cluster.tls().caFile(), dir.resolve("ca.crt"));
        }
        return dir;
    }

    void connectRegistry() {
        ClusterObjects objects = new ClusterObjects(cluster.admin(), namespace);
        cluster.admin().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata()
                .build()).create();
        objects.connectorClass("oci", Map.of(
                "address", Map.of("name", "address", "type", "string"),
                "auth", Map.of("types", List.of(Map.of("name", "tokenAuth", "secretType", SECRET_TYPE)))));
        cluster.admin().secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata()
                .withName("registry-robot").withNamespace(namespace).addToLabels(ClusterObjects.CONNECTOR_SECRET, "true")
                .endMetadata().withType(SECRET_TYPE).addToStringData("username", ROBOT)
                .addToStringData("password", robotPassword).build()).serverSideApply();
        objects.connector(CONNECTOR, Map.of("connectorClassName", "oci", "address", recorder.url(),
                "auth", Map.of("name", "tokenAuth", "secretRef", Map.of("name", "registry-robot"))));
        objects.grantGet("alice", CONNECTOR);
    }

    HttpRequest.Builder request(String path, String token) {
        return HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + cluster.httpsPort() + path))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30));
    }

    HttpResponse<String> get(String path, String token) throws Exception {
        return https.send(request(path, token).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpClient httpsClient() throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("gateway-ca", GatewayTls.read(cluster.tls().caFile()));
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(context).version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }
}
