package io.connectors.api.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;

import io.connectors.api.support.FakeTool;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway installed for some namespaces only: {@code connectors.namespaces=team-a} and the RBAC
 * of the Component {@code src/main/kubernetes/namespaced}, where Secrets are readable only through
 * RoleBindings in team-a and the system namespace. It becomes ready, serves team-a's Connectors with
 * their (labelled) Secrets, and never spends an unlabelled Secret.
 */
@QuarkusIntegrationTest
@WithTestResource(value = RealCluster.class, initArgs = {
        @ResourceArg(name = "crds", value = "project"), @ResourceArg(name = "rbac", value = "namespaced"),
        @ResourceArg(name = "namespaces", value = NamespacedSecretsIT.WATCHED)})
class NamespacedSecretsIT {

    /** The namespace of the Component's example RoleBinding and CONNECTORS_NAMESPACES. */
    static final String WATCHED = "team-a";
    static final Duration WATCH = Duration.ofSeconds(20);

    RealCluster cluster;
    KubernetesClient admin;
    FakeTool tool;
    ClusterObjects objects;

    @BeforeEach
    void cluster() {
        cluster = RealCluster.current();
        admin = cluster.admin();
        tool = FakeTool.get();
        tool.clear();
        objects = new ClusterObjects(admin, WATCHED);
        objects.connectorClass("basic", Map.of("address", Map.of("name", "address", "type", "string"),
                "auth", Map.of("types", List.of(Map.of("name", "basicAuth", "secretType", "kubernetes.io/basic-auth")))));
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private void connector(String name, String secret) {
        objects.connector(name, Map.of("connectorClassName", "basic", "address", tool.url() + "/tool",
                "auth", Map.of("name", "basicAuth", "secretRef", Map.of("name", secret))));
        objects.grantGet("alice", name);
    }

    private static String path(String namespace, String connector) {
        return "/connectors/v1alpha1/" + namespace + "/" + connector + "/path";
    }

    @Test
    void componentReplacesTheClusterWideSecretsBindingByRoleBindings() {
        String yaml = Kustomize.renderWithComponent(Kustomize.BASE, Kustomize.NAMESPACED);
        List<HasMetadata> objects = admin.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items();
        assertThat(objects).extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
                .contains("ClusterRole/connectors-api", "ClusterRoleBinding/connectors-api",
                        "ClusterRole/connectors-api-secrets")
                .doesNotContain("ClusterRoleBinding/connectors-api-secrets");
        assertThat(objects).filteredOn(o -> o.getKind().equals("RoleBinding"))
                .extracting(o -> o.getMetadata().getNamespace())
                .containsExactlyInAnyOrder(RealCluster.SYSTEM_NAMESPACE, WATCHED);
    }

    @Test
    void serviceAccountReadsSecretsOnlyInTheWatchedAndSystemNamespaces() {
        Set<String> read = Set.of("get", "list", "watch");
        for (String verb : InstallManifestsIT.VERBS) {
            boolean reads = read.contains(verb);
            assertThat(allowedOnSecrets(WATCHED, verb)).as(verb + " secrets in " + WATCHED).isEqualTo(reads);
            assertThat(allowedOnSecrets(RealCluster.SYSTEM_NAMESPACE, verb)).as(verb + " secrets in system namespace")
                    .isEqualTo(reads);
            assertThat(allowedOnSecrets("team-b", verb)).as(verb + " secrets in team-b").isFalse();
            assertThat(allowedOnSecrets("", verb)).as(verb + " secrets cluster-wide").isFalse();
        }
    }

    private static boolean allowedOnSecrets(String namespace, String verb) {
        return InstallManifestsIT.allowed(new InstallManifestsIT.Grant("", "secrets", namespace, Set.of()), verb);
    }

    @Test
    void readyAndServingAConnectorOfTheWatchedNamespace() throws Exception {
        // Ready means every informer has listed: none of them asks for Secrets beyond the RoleBindings.
        await().atMost(WATCH).untilAsserted(() -> RestAssured.given().baseUri("http://127.0.0.1")
                .port(cluster.managementPort()).get("/q/health/ready").then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("secrets/" + WATCHED))
                .body(org.hamcrest.Matchers.containsString("ca-secrets/" + RealCluster.SYSTEM_NAMESPACE)));
        String name = unique("tool");
        objects.basicAuthSecret(name + "-creds", "robot", "namespaced-pw");
        connector(name, name + "-creds");
        String alice = cluster.token("alice");
        await().atMost(WATCH).untilAsserted(() -> GatewayOnRealClusterContract.as(alice)
                .get(path(WATCHED, name) + "/x").then().statusCode(200));
        assertThat(tool.next().headers("authorization"))
                .containsExactly(GatewayOnRealClusterContract.basic("robot", "namespaced-pw"));
    }

    @Test
    void anUnlabelledSecretIsNotSpentUntilLabelled() throws Exception {
        String name = unique("tool");
        String secret = name + "-unlabelled";
        admin.secrets().inNamespace(WATCHED).resource(new SecretBuilder().withNewMetadata().withName(secret)
                .withNamespace(WATCHED).endMetadata().withType("kubernetes.io/basic-auth")
                .addToStringData("username", "someone").addToStringData("password", "not-for-this-connector")
                .build()).create();
        connector(name, secret);
        String alice = cluster.token("alice");
        await().atMost(WATCH).untilAsserted(() -> {
            Response response = GatewayOnRealClusterContract.as(alice).get(path(WATCHED, name) + "/x");
            response.then().statusCode(500).body("reason", equalTo("InternalError"))
                    .body("message", endsWith("not found or not labelled connectors.cpaas.io/connector-secret=true"));
            assertThat(response.asString()).doesNotContain("not-for-this-connector");
        });
        assertThat(tool.pending()).isZero();

        admin.secrets().inNamespace(WATCHED).withName(secret).edit(s -> new SecretBuilder(s).editMetadata()
                .addToLabels(ClusterObjects.CONNECTOR_SECRET, "true").endMetadata().build());
        await().atMost(WATCH).untilAsserted(() -> GatewayOnRealClusterContract.as(alice)
                .get(path(WATCHED, name) + "/x").then().statusCode(200));
        assertThat(tool.next().headers("authorization"))
                .containsExactly(GatewayOnRealClusterContract.basic("someone", "not-for-this-connector"));
    }

    @Test
    void connectorsOfOtherNamespacesAreNotServed() {
        String other = unique("elsewhere");
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(other).endMetadata().build())
                .create();
        ClusterObjects there = new ClusterObjects(admin, other);
        there.basicAuthSecret("creds", "robot", "pw");
        there.connector("tool", Map.of("connectorClassName", "basic", "address", tool.url(),
                "auth", Map.of("name", "basicAuth", "secretRef", Map.of("name", "creds"))));
        there.grantGet("alice", "tool");
        // alice may get it, but this gateway does not watch that namespace.
        String alice = cluster.token("alice");
        await().atMost(WATCH).untilAsserted(() -> GatewayOnRealClusterContract.as(alice).get(path(other, "tool") + "/x")
                .then().statusCode(404).body("kind", equalTo("Status")));
        assertThat(tool.pending()).isZero();
    }
}
