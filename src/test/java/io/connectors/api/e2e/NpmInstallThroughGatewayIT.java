package io.connectors.api.e2e;

import static io.connectors.api.e2e.GatewayOnRealClusterContract.CLASSES;
import static io.connectors.api.e2e.GatewayOnRealClusterContract.CONNECTORS;
import static io.connectors.api.e2e.GatewayOnRealClusterContract.generic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.connectors.api.e2e.npm.Npm;
import io.connectors.api.e2e.npm.Verdaccio;
import io.connectors.api.support.ChildProcess;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real {@code npm install} through the gateway: a Verdaccio registry that only authenticated
 * users may read sits behind a bearer-token Connector; npm holds nothing but the caller's own
 * Kubernetes token, and the gateway swaps it for the registry's token after RBAC says yes.
 */
@QuarkusIntegrationTest
@WithTestResource(value = RealCluster.class, initArgs = @ResourceArg(name = "crds", value = "project"))
class NpmInstallThroughGatewayIT {

    static final String PACKAGE = "gateway-hello";
    // npm asks for a scoped package as @scope%2fname: the encoded slash must reach the registry as is.
    static final String SCOPED = "@gateway-e2e/scoped-hello";
    static final List<String> PACKAGES = List.of(PACKAGE, SCOPED);
    static final String VERSION = "1.2.3";
    static final String CONNECTOR = "registry";

    // One registry for the class: the gateway's port is known only once the application runs.
    static boolean ready;
    static Path work;
    static Verdaccio verdaccio;
    static String publisherToken;
    static Npm npm;
    static URI viaGateway;

    RealCluster cluster;

    @BeforeEach
    void registryBehindTheGateway() throws Exception {
        cluster = RealCluster.current();
        if (ready) {
            return;
        }
        stopRegistry(); // what a failed set-up of an earlier test left
        work = Files.createTempDirectory("npm-e2e-");
        npm = new Npm(work.resolve("npm"));
        String namespace = "npm-" + UUID.randomUUID().toString().substring(0, 8);
        viaGateway = URI.create("http://127.0.0.1:" + RestAssured.port + "/connectors/v1alpha1/" + namespace + "/"
                + CONNECTOR + "/path/");
        long start = System.nanoTime();
        verdaccio = Verdaccio.start(RealCluster.PROJECT, work.resolve("verdaccio"), viaGateway);
        System.out.printf("Verdaccio install + start: %d ms%n", (System.nanoTime() - start) / 1_000_000);
        publisherToken = verdaccio.addUser("publisher", UUID.randomUUID().toString());
        for (String name : PACKAGES) {
            publish(name);
        }
        connectRegistry(cluster.admin(), namespace);
        // The gateway sees the new objects through its informers: wait until alice gets through.
        String alice = cluster.token("alice");
        await("the gateway serves the packument to alice").atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                RestAssured.given().header("Authorization", "Bearer " + alice).urlEncodingEnabled(false)
                        .get(viaGateway.getRawPath() + PACKAGE).then().statusCode(200));
        ready = true;
    }

    @AfterAll
    static void stopRegistry() throws IOException {
        ready = false;
        if (verdaccio != null) {
            verdaccio.close();
            verdaccio = null;
        }
        if (work != null) {
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
            work = null;
        }
    }

    @Test
    void aliceInstallsWithOnlyHerKubernetesToken() throws Exception {
        Path project = project("alice");
        ChildProcess.Result install = installAs("alice", project);

        assertThat(install.exitCode()).as(failure(install)).isZero();
        assertThat(install.output()).doesNotContain(verdaccio.url().toString())
                .doesNotContain(cluster.token("alice")).doesNotContain(publisherToken);
        for (String name : PACKAGES) {
            Path manifest = project.resolve("node_modules/" + name + "/package.json");
            assertThat(manifest).as(failure(install)).exists();
            assertThat(Files.readString(manifest))
                    .containsPattern("\"version\"\\s*:\\s*\"" + VERSION.replace(".", "\\.") + "\"");
            // The tarball came through the gateway too, not from the registry's own address; the
            // registry answered 200 only because the gateway sent the Connector's token.
            String file = name.substring(name.indexOf('/') + 1) + "-" + VERSION + ".tgz";
            assertThat(install.output()).contains("GET 200 " + viaGateway + name + "/-/" + file);

            ChildProcess.Result run = npm.node(project, "process.stdout.write(require('" + name + "')())");
            assertThat(run.exitCode()).as(run.output()).isZero();
            assertThat(run.output()).isEqualTo("hello from " + name);
        }
    }

    @Test
    void bobWithoutARoleIsRefused() throws Exception {
        Path project = project("bob");
        ChildProcess.Result install = installAs("bob", project);

        assertThat(install.exitCode()).as(install.output()).isNotZero();
        assertThat(install.output()).contains("E403").doesNotContain(cluster.token("bob"))
                .doesNotContain(publisherToken);
        assertThat(project.resolve("node_modules")).doesNotExist();
    }

    /** A small package, published straight to the registry with the registry's own token. */
    static void publish(String name) throws IOException {
        Path dir = Files.createDirectories(work.resolve("package-" + name.replaceAll("[^a-z-]", "_")));
        Files.writeString(dir.resolve("package.json"), """
                {"name": "%s", "version": "%s", "main": "index.js", "license": "MIT",
                 "description": "published for NpmInstallThroughGatewayIT"}
                """.formatted(name, VERSION));
        Files.writeString(dir.resolve("index.js"), "module.exports = () => 'hello from " + name + "';\n");
        ChildProcess.Result publish = npm.publish(dir, verdaccio.url(), publisherToken);
        assertThat(publish.exitCode()).as("npm publish:\n%s\nVerdaccio:\n%s", publish.output(), verdaccio.log())
                .isZero();
    }

    /** A bearer-token class and Connector for the registry, its Secret, and get on it for alice only. */
    void connectRegistry(KubernetesClient admin, String namespace) {
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata()
                .build()).create();
        admin.genericKubernetesResources(CLASSES).resource(generic(CLASSES, null, "npm", Map.of(
                "address", Map.of("name", "address", "type", "string"),
                "auth", Map.of("types", List.of(Map.of("name", "bearerToken",
                        "secretType", "connectors.cpaas.io/bearer-token")))))).serverSideApply();
        admin.secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata().withName("registry-token")
                .withNamespace(namespace).addToLabels(ClusterObjects.CONNECTOR_SECRET, "true").endMetadata().withType("connectors.cpaas.io/bearer-token")
                .addToStringData("token", publisherToken).build()).serverSideApply();
        String address = verdaccio.url().toString().replaceAll("/$", "");
        admin.genericKubernetesResources(CONNECTORS).inNamespace(namespace).resource(generic(CONNECTORS, namespace,
                CONNECTOR, Map.of("connectorClassName", "npm", "address", address, "auth", Map.of(
                        "name", "bearerToken", "secretRef", Map.of("name", "registry-token"))))).serverSideApply();
        admin.rbac().roles().inNamespace(namespace).resource(new RoleBuilder().withNewMetadata()
                .withName("use-registry").withNamespace(namespace).endMetadata().addNewRule()
                .withApiGroups("connectors.alauda.io").withResources("connectors").withResourceNames(CONNECTOR)
                .withVerbs("get").endRule().build()).serverSideApply();
        admin.rbac().roleBindings().inNamespace(namespace).resource(new RoleBindingBuilder().withNewMetadata()
                .withName("alice-uses-registry").withNamespace(namespace).endMetadata().withNewRoleRef()
                .withApiGroup("rbac.authorization.k8s.io").withKind("Role").withName("use-registry").endRoleRef()
                .addNewSubject().withApiGroup("rbac.authorization.k8s.io").withKind("User").withName("alice")
                .endSubject().build()).serverSideApply();
    }

    static Path project(String user) throws IOException {
        Path dir = Files.createDirectories(work.resolve("project-" + user));
        Files.writeString(dir.resolve("package.json"), """
                {"name": "consumer-%s", "version": "1.0.0", "private": true}
                """.formatted(user));
        return dir;
    }

    /**
     * {@code npm install} in {@code project} holding only {@code user}'s Kubernetes token; prints what
     * npm printed, for the build log (URLs and status codes, never a token).
     */
    ChildProcess.Result installAs(String user, Path project) throws IOException {
        ChildProcess.Result result = npm.install(project, viaGateway, cluster.token(user), PACKAGES);
        System.out.printf("---- npm install as %s (exit %d) ----%n%s---- end of npm output ----%n", user,
                result.exitCode(), result.output());
        return result;
    }

    static String failure(ChildProcess.Result install) {
        return "npm install:\n" + install.output() + "\nVerdaccio:\n" + verdaccio.log();
    }
}
