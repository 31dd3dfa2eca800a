package io.connectors.api.e2e;

import static io.connectors.api.e2e.ClusterObjects.CONNECTORS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.connectors.api.authz.MethodPolicy;
import io.connectors.api.support.BasicAuthFileServer;
import io.connectors.api.support.ChildProcess;
import io.connectors.api.support.GitCli;
import io.connectors.api.support.GitHttpServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Clients as they are (spec §13), for real, against the real kube-apiserver, loopback only: git,
 * pip and Maven (Debian's 3.8 and the wrapper's 3.9) hold nothing but the caller's Kubernetes
 * token, as the password of Basic credentials they send only once challenged, and reach private
 * servers that want Basic credentials of their own (the Connectors' Secrets). Each goes through
 * the Connectors API path and through the address upstream clients read,
 * {@code status.proxy.httpAddress.url}, which the gateway's status writer sets from
 * {@code connectors.public-url} (here its own plain port).
 */
@QuarkusIntegrationTest
@WithTestResource(value = RealCluster.class, initArgs = {@ResourceArg(name = "crds", value = "project"),
        @ResourceArg(name = "public-url", value = "auto")})
class ClientsThroughGatewayIT {

    /** Keep in step with scripts/client-tools.sh, which puts it (and what it needs) in ~/.m2. */
    static final String DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1";
    static final Path LOCAL_MAVEN_REPOSITORY = Path.of(System.getProperty("user.home"), ".m2", "repository");
    static final Duration CLIENT_TIMEOUT = Duration.ofMinutes(3);
    static final String ROBOT = "robot";
    static final String USER = "alice";

    static boolean ready;
    static Path work;
    static String namespace;
    static GitCli git;
    static GitHttpServer gitServer;
    static BasicAuthFileServer pypi;
    static BasicAuthFileServer maven;
    static String robotPassword;
    static byte[] wheel;
    static byte[] jar;

    RealCluster cluster;

    @BeforeEach
    void toolsBehindTheGateway() throws Exception {
        cluster = RealCluster.current();
        if (ready) {
            return;
        }
        work = Files.createTempDirectory("clients-e2e-");
        robotPassword = "robot-" + UUID.randomUUID();
        git = GitCli.isolated();
        gitServer = GitHttpServer.start(ROBOT, robotPassword);
        gitServer.seedDemoRepository(git, "demo");
        pypi = BasicAuthFileServer.start(ROBOT, robotPassword, pypiIndex(work.resolve("pypi")));
        maven = BasicAuthFileServer.start(ROBOT, robotPassword, mavenRepository(work.resolve("maven")),
                LOCAL_MAVEN_REPOSITORY);

        namespace = "clients-" + UUID.randomUUID().toString().substring(0, 8);
        cluster.admin().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
                .endMetadata().build()).create();
        ClusterObjects objects = new ClusterObjects(cluster.admin(), namespace);
        Map<String, Object> basicAuthClass = new LinkedHashMap<>(Map.of(
                "address", Map.of("name", "address", "type", "string"),
                "auth", Map.of("types", List.of(Map.of("name", "basicAuth", "secretType", "kubernetes.io/basic-auth")))));
        Map<String, Object> withProxy = new LinkedHashMap<>(basicAuthClass);
        // As the upstream classes declare it: their proxy is the built-in one. This gateway is that proxy.
        withProxy.put("proxy", Map.of("ref", Map.of("kind", "Service", "name", "connectors-proxy-service",
                "namespace", RealCluster.SYSTEM_NAMESPACE)));
        objects.connectorClass("client-tools", Map.of(MethodPolicy.GIT_FETCH_IS_READ, "true"), withProxy);
        objects.connectorClass("client-tools-no-proxy", basicAuthClass);
        objects.basicAuthSecret("robot", ROBOT, robotPassword);
        for (Map.Entry<String, String> tool : Map.of("git", gitServer.url(), "pypi", pypi.url(), "maven", maven.url(),
                "plain", pypi.url()).entrySet()) {
            objects.connector(tool.getKey(), Map.of("connectorClassName",
                    tool.getKey().equals("plain") ? "client-tools-no-proxy" : "client-tools",
                    "address", tool.getValue(), "auth", Map.of("name", "basicAuth",
                            "secretRef", Map.of("name", "robot"))));
            objects.grantGet(USER, tool.getKey());
        }
        String token = cluster.token(USER);
        await("the gateway serves the new Connectors").atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                RestAssured.given().header("Authorization", "Bearer " + token)
                        .get(apiPath("pypi") + "/simple/").then().statusCode(200));
        ready = true;
    }

    @AfterAll
    static void stopTools() {
        ready = false;
        for (AutoCloseable server : new AutoCloseable[] {gitServer, pypi, maven}) {
            try {
                if (server != null) {
                    server.close();
                }
            } catch (Exception ignored) {
                // stopping a loopback server of the test
            }
        }
        if (work != null) {
            // Three local Maven repositories and the installed packages: tens of MB.
            try (var files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(java.io.File::delete);
            } catch (IOException ignored) {
                // a temp directory the machine cleans anyway
            }
            work = null;
        }
    }

    static String apiPath(String connector) {
        return "/connectors/v1alpha1/" + namespace + "/" + connector + "/path";
    }

    /** {@code http://me:<token>@127.0.0.1:<port>} + path: the credentials where these clients take them. */
    String withCredentials(String url) {
        return url.replace("http://", "http://me:" + cluster.token(USER) + "@");
    }

    String viaApiPath(String connector) {
        return "http://127.0.0.1:" + RestAssured.port + apiPath(connector);
    }

    /** {@code status.proxy.httpAddress.url} of a Connector, once the status writer has set it. */
    String proxyAddress(String connector) {
        return await("status.proxy.httpAddress.url of " + connector).atMost(Duration.ofSeconds(30))
                .until(() -> proxyUrl(connectorObject(connector)), url -> url != null);
    }

    GenericKubernetesResource connectorObject(String name) {
        return cluster.admin().genericKubernetesResources(CONNECTORS).inNamespace(namespace).withName(name).get();
    }

    @SuppressWarnings("unchecked")
    static String proxyUrl(GenericKubernetesResource connector) {
        Map<String, Object> status = (Map<String, Object>) connector.getAdditionalProperties().get("status");
        Map<String, Object> proxy = status == null ? null : (Map<String, Object>) status.get("proxy");
        Map<String, Object> address = proxy == null ? null : (Map<String, Object>) proxy.get("httpAddress");
        return address == null ? null : (String) address.get("url");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> condition(GenericKubernetesResource connector, String type) {
        Map<String, Object> status = (Map<String, Object>) connector.getAdditionalProperties().get("status");
        List<Map<String, Object>> conditions = status == null ? List.of()
                : (List<Map<String, Object>>) status.getOrDefault("conditions", List.of());
        return conditions.stream().filter(c -> type.equals(c.get("type"))).findFirst().orElse(Map.of());
    }

    // ---- status: the addresses upstream clients read ----

    @Test
    void theStatusWriterPublishesTheProxyAddressUpstreamClientsRead() {
        assertThat(proxyAddress("git")).isEqualTo(cluster.publicUrl() + "/namespaces/" + namespace + "/connectors/git");
        assertThat(condition(connectorObject("git"), "ProxyServiceReady")).containsEntry("status", "True")
                .containsEntry("reason", "Served");
        await("ProxyServiceReady of a Connector whose class has no proxy").atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(condition(connectorObject("plain"), "ProxyServiceReady"))
                        .containsEntry("status", "True").containsEntry("reason", "NonProxy"));
        assertThat(proxyUrl(connectorObject("plain"))).isNull();
    }

    // ---- git ----

    GitCli.Result git(Path directory, Map<String, String> env, String... args) {
        Map<String, String> all = new HashMap<>(env);
        GitCli.Result result = git.run(directory, all, args);
        System.out.println("[git]\n" + result.toString().replace(cluster.token(USER), "<token>"));
        return result;
    }

    void assertCloned(Path checkout, GitCli.Result clone) {
        assertThat(clone.succeeded()).as(clone.toString()).isTrue();
        assertThat(git.run(checkout, "log", "--format=%s", "main").orThrow().output())
                .isEqualTo("second commit\nfirst commit\n");
        assertThat(clone.output()).doesNotContain(cluster.token(USER)).doesNotContain(robotPassword);
    }

    @Test
    void gitClonesWithTheTokenAsThePasswordInTheUrl() throws IOException {
        Path dir = Files.createTempDirectory(work, "git-url");
        for (String base : List.of(viaApiPath("git"), proxyAddress("git"))) {
            String name = "demo-" + (base.contains("/namespaces/") ? "proxy-address" : "api-path");
            GitCli.Result clone = git(dir, Map.of(), "clone", withCredentials(base + "/demo.git"), name);
            assertCloned(dir.resolve(name), clone);
        }
    }

    @Test
    void gitClonesWithACredentialHelperThatHandsOutTheToken() throws IOException {
        Path dir = Files.createTempDirectory(work, "git-helper");
        // What a CI job would configure: the helper reads the token from the environment, never a file.
        Map<String, String> env = Map.of("GIT_CONFIG_COUNT", "1",
                "GIT_CONFIG_KEY_0", "credential.helper",
                "GIT_CONFIG_VALUE_0", "!f() { test \"$1\" = get && echo username=me && echo \"password=$K8S_TOKEN\"; }; f",
                "K8S_TOKEN", cluster.token(USER));
        GitCli.Result clone = git(dir, env, "clone", proxyAddress("git") + "/demo.git", "demo");
        assertCloned(dir.resolve("demo"), clone);
        GitCli.Result refused = git(dir, Map.of("GIT_CONFIG_COUNT", "1", "GIT_CONFIG_KEY_0", "credential.helper",
                "GIT_CONFIG_VALUE_0", "!f() { echo username=me; echo password=not-a-token; }; f"),
                "ls-remote", viaApiPath("git") + "/demo.git");
        assertThat(refused.succeeded()).as(refused.toString()).isFalse();
        assertThat(refused.output()).contains("Authentication failed");
    }

    // ---- pip ----

    static final String WHEEL = "gateway_hello-1.0.0-py3-none-any.whl";

    /** A PEP 503 index with one project and its wheel, written by hand, relative links only. */
    static Path pypiIndex(Path root) throws IOException {
        wheel = wheel();
        Files.createDirectories(root.resolve("packages"));
        Files.write(root.resolve("packages").resolve(WHEEL), wheel);
        Path project = Files.createDirectories(root.resolve("simple/gateway-hello"));
        Files.writeString(root.resolve("simple/index.html"),
                "<!DOCTYPE html><html><body><a href=\"gateway-hello/\">gateway-hello</a></body></html>\n");
        Files.writeString(project.resolve("index.html"), "<!DOCTYPE html><html><body><a href=\"../../packages/" + WHEEL
                + "#sha256=" + HexFormat.of().formatHex(sha256(wheel)) + "\">" + WHEEL + "</a></body></html>\n");
        return root;
    }

    static byte[] wheel() throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("gateway_hello/__init__.py", "def hello():\n    return 'hello from gateway-hello'\n");
        files.put("gateway_hello-1.0.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: gateway-hello\nVersion: 1.0.0\n"
                + "Summary: installed by ClientsThroughGatewayIT\n");
        files.put("gateway_hello-1.0.0.dist-info/WHEEL", "Wheel-Version: 1.0\nGenerator: ClientsThroughGatewayIT\n"
                + "Root-Is-Purelib: true\nTag: py3-none-any\n");
        StringBuilder record = new StringBuilder();
        for (Map.Entry<String, String> file : files.entrySet()) {
            byte[] bytes = file.getValue().getBytes(StandardCharsets.UTF_8);
            record.append(file.getKey()).append(",sha256=")
                    .append(Base64.getUrlEncoder().withoutPadding().encodeToString(sha256(bytes)))
                    .append(',').append(bytes.length).append('\n');
        }
        record.append("gateway_hello-1.0.0.dist-info/RECORD,,\n");
        files.put("gateway_hello-1.0.0.dist-info/RECORD", record.toString());
        var out = new java.io.ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, String> file : files.entrySet()) {
                zip.putNextEntry(new ZipEntry(file.getKey()));
                zip.write(file.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return out.toByteArray();
    }

    ChildProcess.Result pip(Path target, String indexUrl) {
        List<String> command = List.of("python3", "-m", "pip", "install", "--isolated", "--no-cache-dir",
                "--disable-pip-version-check", "--no-input", "--no-deps", "--target", target.toString(),
                "--index-url", indexUrl, "gateway-hello==1.0.0");
        ChildProcess.Result result = ChildProcess.run(command, work, cleanEnvironment(), CLIENT_TIMEOUT);
        System.out.printf("---- pip install (exit %d) ----%n%s---- end of pip output ----%n", result.exitCode(),
                result.output().replace(cluster.token(USER), "<token>"));
        return result;
    }

    @Test
    void pipInstallsAWheelFromAnIndexThatWantsBasic() throws IOException {
        for (String base : List.of(viaApiPath("pypi"), proxyAddress("pypi"))) {
            Path target = Files.createTempDirectory(work, "site-");
            ChildProcess.Result install = pip(target, withCredentials(base + "/simple/"));
            assertThat(install.exitCode()).as(install.output()).isZero();
            assertThat(install.output()).contains("Successfully installed gateway-hello-1.0.0")
                    .doesNotContain(cluster.token(USER)).doesNotContain(robotPassword);
            assertThat(Files.readAllBytes(target.resolve("gateway_hello/__init__.py")))
                    .isEqualTo("def hello():\n    return 'hello from gateway-hello'\n".getBytes(StandardCharsets.UTF_8));
            Map<String, String> env = cleanEnvironment();
            env.put("PYTHONPATH", target.toString());
            ChildProcess.Result run = ChildProcess.run(List.of("python3", "-c",
                    "import gateway_hello, sys; sys.stdout.write(gateway_hello.hello())"), work, env, CLIENT_TIMEOUT);
            assertThat(run.output()).isEqualTo("hello from gateway-hello");
        }
        assertThat(pypi.served()).contains("/packages/" + WHEEL);
        assertOnlyTheRobotAuthenticated(pypi);

        Path refused = Files.createTempDirectory(work, "site-");
        ChildProcess.Result bob = pip(refused, viaApiPath("pypi").replace("http://", "http://me:"
                + cluster.token("bob") + "@") + "/simple/");
        // pip does not print the status of an index page it could not read (the gateway's access log has the 403).
        assertThat(bob.exitCode()).isNotZero();
        assertThat(bob.output()).contains("No matching distribution found for gateway-hello==1.0.0")
                .doesNotContain(cluster.token("bob"));
        try (var files = Files.list(refused)) {
            assertThat(files).isEmpty();
        }
    }

    // ---- Maven ----

    static final String GROUP = "io.connectors.e2e";
    static final String ARTIFACT = "gateway-hello";
    static final String VERSION = "1.0.0";

    /** A Maven repository with one hand-made artifact (pom, jar and their SHA-1s). */
    static Path mavenRepository(Path root) throws IOException {
        Path dir = Files.createDirectories(root.resolve(GROUP.replace('.', '/') + "/" + ARTIFACT + "/" + VERSION));
        String base = ARTIFACT + "-" + VERSION;
        byte[] pom = """
                <?xml version="1.0" encoding="UTF-8"?>
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>%s</groupId>
                  <artifactId>%s</artifactId>
                  <version>%s</version>
                </project>
                """.formatted(GROUP, ARTIFACT, VERSION).getBytes(StandardCharsets.UTF_8);
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        var out = new java.io.ByteArrayOutputStream();
        try (JarOutputStream jarOut = new JarOutputStream(out, manifest)) {
            jarOut.putNextEntry(new JarEntry("io/connectors/e2e/hello.txt"));
            jarOut.write("hello from the private repository\n".getBytes(StandardCharsets.UTF_8));
            jarOut.closeEntry();
        }
        jar = out.toByteArray();
        for (Map.Entry<String, byte[]> file : Map.of(base + ".pom", pom, base + ".jar", jar).entrySet()) {
            Files.write(dir.resolve(file.getKey()), file.getValue());
            Files.writeString(dir.resolve(file.getKey() + ".sha1"), HexFormat.of().formatHex(digest("SHA-1",
                    file.getValue())));
        }
        return root;
    }

    /** settings.xml: the gateway as the mirror of every repository, the token as that server's password. */
    Path mavenSettings(Path dir, String gatewayUrl) throws IOException {
        Path settings = dir.resolve("settings.xml");
        Files.writeString(settings, """
                <settings xmlns="http://maven.apache.org/SETTINGS/1.2.0">
                  <servers>
                    <server>
                      <id>connectors</id>
                      <username>me</username>
                      <password>${env.K8S_TOKEN}</password>
                    </server>
                  </servers>
                  <mirrors>
                    <mirror>
                      <id>connectors</id>
                      <mirrorOf>*</mirrorOf>
                      <url>%s</url>
                    </mirror>
                  </mirrors>
                </settings>
                """.formatted(gatewayUrl));
        Files.writeString(dir.resolve("global-settings.xml"), "<settings/>\n");
        return settings;
    }

    ChildProcess.Result mavenGet(String mvn, String gatewayUrl, String user) throws IOException {
        Path dir = Files.createTempDirectory(work, "maven-");
        Path settings = mavenSettings(dir, gatewayUrl);
        List<String> command = new ArrayList<>(List.of(mvn, "-B", "-ntp", "-s", settings.toString(),
                "-gs", dir.resolve("global-settings.xml").toString(),
                "-Dmaven.repo.local=" + dir.resolve("repository"),
                DEPENDENCY_PLUGIN + ":get", "-Dartifact=" + GROUP + ":" + ARTIFACT + ":" + VERSION));
        Map<String, String> env = cleanEnvironment();
        env.put("K8S_TOKEN", cluster.token(user));
        ChildProcess.Result result = ChildProcess.run(command, dir, env, CLIENT_TIMEOUT);
        System.out.printf("---- %s dependency:get as %s (exit %d) ----%n%s---- end of Maven output ----%n", mvn, user,
                result.exitCode(), tail(result.output().replace(cluster.token(user), "<token>"), 40));
        Path got = dir.resolve("repository/" + GROUP.replace('.', '/') + "/" + ARTIFACT + "/" + VERSION + "/"
                + ARTIFACT + "-" + VERSION + ".jar");
        if (result.exitCode() == 0) {
            assertThat(Files.readAllBytes(got)).isEqualTo(jar);
        }
        return result;
    }

    @Test
    void debiansMaven38GetsAnArtifactFromARepositoryThatWantsBasic() throws IOException {
        ChildProcess.Result get = mavenGet("/usr/bin/mvn", viaApiPath("maven"), USER);
        assertThat(get.exitCode()).as(tail(get.output(), 60)).isZero();
        assertThat(get.output()).contains("BUILD SUCCESS").doesNotContain(cluster.token(USER))
                .doesNotContain(robotPassword);
        assertOnlyTheRobotAuthenticated(maven);
    }

    @Test
    void theWrappersMaven39GetsItThroughTheProxyAddress() throws IOException {
        ChildProcess.Result get = mavenGet(RealCluster.PROJECT.resolve("mvnw").toString(), proxyAddress("maven"), USER);
        assertThat(get.exitCode()).as(tail(get.output(), 60)).isZero();
        assertThat(get.output()).contains("BUILD SUCCESS").doesNotContain(cluster.token(USER));
        assertOnlyTheRobotAuthenticated(maven);

        ChildProcess.Result bob = mavenGet(RealCluster.PROJECT.resolve("mvnw").toString(), viaApiPath("maven"), "bob");
        assertThat(bob.exitCode()).isNotZero();
        assertThat(bob.output()).contains("403").doesNotContain(cluster.token("bob"));
    }

    // ---- curl ----

    ChildProcess.Result curl(Path config, String... args) {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--noproxy", "*", "-K", config.toString(),
                "-o", "/dev/null", "-D", "-", "-w", "body=%{size_download}\n"));
        command.addAll(List.of(args));
        ChildProcess.Result result = ChildProcess.run(command, work, cleanEnvironment(), CLIENT_TIMEOUT);
        System.out.printf("---- curl (exit %d) ----%n%s---- end of curl output ----%n", result.exitCode(),
                result.output().replace(cluster.token(USER), "<token>"));
        return result;
    }

    @Test
    void curlWithTheTokenAsBasicPasswordAndWithoutCredentials() throws IOException {
        // The credentials in a config file (-K), off the command line, as docs/clients.md shows with -u.
        Path withToken = Files.writeString(work.resolve("curl-with-token"), "user = \"me:" + cluster.token(USER) + "\"\n");
        Path without = Files.writeString(work.resolve("curl-without"), "\n");
        String index = proxyAddress("pypi") + "/simple/gateway-hello/";
        ChildProcess.Result ok = curl(withToken, index);
        assertThat(ok.output()).startsWith("HTTP/1.1 200").contains("body=" + Files.size(
                work.resolve("pypi/simple/gateway-hello/index.html")));
        ChildProcess.Result challenged = curl(without, index);
        assertThat(challenged.output()).startsWith("HTTP/1.1 401")
                .containsIgnoringCase("www-authenticate: Basic realm=\"connectors\"");
        ChildProcess.Result api = curl(withToken, viaApiPath("pypi") + "/simple/");
        assertThat(api.output()).startsWith("HTTP/1.1 200");
    }

    // ---- helpers ----

    /** The tools behind the gateway saw the Connector's credentials (or none, before a challenge), never a caller's token. */
    void assertOnlyTheRobotAuthenticated(BasicAuthFileServer server) {
        String robot = "Basic " + Base64.getEncoder().encodeToString((ROBOT + ":" + robotPassword)
                .getBytes(StandardCharsets.UTF_8));
        assertThat(server.authorizations()).isNotEmpty().allSatisfy(authorization ->
                assertThat(authorization).isEqualTo(robot));
    }

    /** No proxy, pip or Maven setting of the machine or the outer build takes part. */
    static Map<String, String> cleanEnvironment() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.keySet().removeIf(name -> name.startsWith("PIP_") || name.startsWith("MAVEN_")
                || name.equalsIgnoreCase("http_proxy") || name.equalsIgnoreCase("https_proxy")
                || name.equalsIgnoreCase("all_proxy") || name.equals("JAVA_TOOL_OPTIONS"));
        env.put("NO_PROXY", "127.0.0.1,localhost");
        return env;
    }

    static String tail(String output, int lines) {
        String[] all = output.split("\n");
        return String.join("\n", java.util.Arrays.copyOfRange(all, Math.max(0, all.length - lines), all.length)) + "\n";
    }

    static byte[] sha256(byte[] bytes) {
        return digest("SHA-256", bytes);
    }

    static byte[] digest(String algorithm, byte[] bytes) {
        try {
            return MessageDigest.getInstance(algorithm).digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
