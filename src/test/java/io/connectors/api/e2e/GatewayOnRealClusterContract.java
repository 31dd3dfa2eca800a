package io.connectors.api.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.connectors.api.support.FakeTool;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What must hold on a real kube-apiserver, whichever CRDs it runs: real TokenReviews, real RBAC,
 * real watches. Each subclass runs it on a fresh cluster with one set of CRDs.
 */
abstract class GatewayOnRealClusterContract {

    static final Duration WATCH = Duration.ofSeconds(20);
    /** The status writer's lease (15 s) + retry (2 s, jittered to 4.4 s) + a renewal, with room to spare. */
    static final Duration LEASE_TAKEOVER = Duration.ofSeconds(40);
    static final String STATUS_LEASE = "connectors-api-status-writer";
    static final ResourceDefinitionContext CONNECTORS = ClusterObjects.CONNECTORS;
    static final ResourceDefinitionContext CLASSES = ClusterObjects.CLASSES;

    RealCluster cluster;
    KubernetesClient admin;
    FakeTool tool;
    String namespace;
    ClusterObjects objects;

    @BeforeEach
    void cluster() {
        cluster = RealCluster.current();
        admin = cluster.admin();
        tool = FakeTool.get();
        tool.clear();
        namespace = "e2e-" + UUID.randomUUID().toString().substring(0, 8);
        admin.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
                .withName(namespace).endMetadata().build()).create();
        objects = new ClusterObjects(admin, namespace);
        applyUpstreamStyleClass();
    }

    static RequestSpecification as(String token) {
        return RestAssured.given().header("Authorization", "Bearer " + token).urlEncodingEnabled(false);
    }

    String path(String connector) {
        return "/connectors/v1alpha1/" + namespace + "/" + connector + "/path";
    }

    /** A class the way upstream writes them, with fields this gateway does not use (probes, params). */
    void applyUpstreamStyleClass() {
        objects.connectorClass("basic", Map.of(
                "address", Map.of("name", "address", "type", "string"),
                "params", java.util.List.of(Map.of("name", "region", "type", "string", "default", "eu")),
                "auth", Map.of("types", java.util.List.of(Map.of("name", "basicAuth",
                        "secretType", "kubernetes.io/basic-auth", "optional", true,
                        "params", java.util.List.of(Map.of("name", "username", "type", "string"))))),
                "livenessProbe", Map.of("http", Map.of("path", "/healthz", "method", "GET")),
                "authProbes", java.util.List.of(Map.of("authName", "basicAuth",
                        "probe", Map.of("http", Map.of("path", "/api/user", "method", "GET"))))));
    }

    static GenericKubernetesResource generic(ResourceDefinitionContext type, String namespace, String name,
            Map<String, Object> spec) {
        return ClusterObjects.generic(type, namespace, name, spec);
    }

    void connector(String name, String secret) {
        Map<String, Object> spec = new java.util.LinkedHashMap<>();
        spec.put("connectorClassName", "basic");
        spec.put("address", tool.url() + "/tool");
        spec.put("params", java.util.List.of(Map.of("name", "region", "value", "eu")));
        if (secret != null) {
            spec.put("auth", Map.of("name", "basicAuth", "secretRef", Map.of("name", secret),
                    "params", java.util.List.of(Map.of("name", "username", "value", "robot"))));
        }
        objects.connector(name, spec);
    }

    void basicAuthSecret(String name, String user, String password) {
        objects.basicAuthSecret(name, user, password);
    }

    void grantGet(String user, String connector) {
        objects.grantGet(user, connector);
    }

    /** A Role allowing {@code get} on one Connector's (sub)resource, bound to a user. */
    void grant(String user, String role, String resource, String connector) {
        objects.grant(user, role, resource, connector);
    }

    void flag(String key, String value) {
        objects.flag(key, value);
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void rbacDecidesForReal() throws Exception {
        basicAuthSecret("creds", "robot", "pw1");
        connector("tool-a", "creds");
        grantGet("alice", "tool-a");
        String alice = cluster.token("alice");
        await().atMost(WATCH).untilAsserted(() -> as(alice).get(path("tool-a") + "/api/x?q=1").then().statusCode(200));
        FakeTool.Seen seen = tool.next();
        assertThat(seen.uri()).isEqualTo("/tool/api/x?q=1");
        assertThat(seen.headers("authorization")).containsExactly(basic("robot", "pw1"));
        assertThat(seen.headers().toString()).doesNotContain(alice);

        as(cluster.token("bob")).get(path("tool-a") + "/api/x").then().statusCode(403)
                .body("reason", equalTo("Forbidden"));
        // alice may get tool-a only: another Connector is 403 for her, existing or not.
        connector("tool-b", "creds");
        as(alice).get(path("tool-b") + "/x").then().statusCode(403);
        as(alice).get(path("nothing") + "/x").then().statusCode(403);
        as("not-a-token").get(path("tool-a") + "/x").then().statusCode(401);
    }

    /** The packaged gateway in prod mode: /q/health and /q/metrics on the management port only, no caller's path there. */
    @Test
    void healthAndMetricsOnlyOnTheManagementPort() {
        String marker = "m" + UUID.randomUUID().toString().replace("-", "");
        as("not-a-token").get("/connectors/v1alpha1/" + marker + "/c/path/" + marker + "?q=" + marker).then()
                .statusCode(401);
        as(cluster.token("bob")).get(path(marker) + "/x?q=" + marker).then().statusCode(403);
        for (String main : java.util.List.of("/q/metrics", "/q/health", "/q/health/live", "/q/health/ready")) {
            RestAssured.get(main).then().statusCode(404);
        }
        java.util.function.Supplier<RequestSpecification> management = () -> RestAssured.given()
                .baseUri("http://127.0.0.1").port(cluster.managementPort());
        await().atMost(WATCH).untilAsserted(() -> management.get().get("/q/health/ready").then().statusCode(200));
        management.get().get("/q/health/live").then().statusCode(200);
        String metrics = management.get().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("connectors_requests_seconds_count").contains("connectors_informer_objects")
                .doesNotContain(marker);
    }

    @Test
    void watchedChangesApplyToTheNextRequests() throws Exception {
        basicAuthSecret("creds", "robot", "before");
        connector("tool", "creds");
        grantGet("carol", "tool");
        String carol = cluster.token("carol");
        await().atMost(WATCH).untilAsserted(() -> as(carol).get(path("tool") + "/x").then().statusCode(200));
        assertThat(tool.next().headers("authorization")).containsExactly(basic("robot", "before"));

        basicAuthSecret("creds", "robot", "after");
        await().atMost(WATCH).untilAsserted(() -> {
            as(carol).get(path("tool") + "/x").then().statusCode(200);
            assertThat(tool.next().headers("authorization")).containsExactly(basic("robot", "after"));
        });

        flag("enable-connector-apis-write-passthrough", "false");
        await().atMost(WATCH).untilAsserted(() ->
                as(carol).body("x").post(path("tool") + "/items").then().statusCode(405));
        flag("enable-connector-apis-write-passthrough", "true");
        await().atMost(WATCH).untilAsserted(() ->
                as(carol).body("{\"a\":1}").post(path("tool") + "/items").then().statusCode(200));
        flag("enable-connector-apis-write-passthrough", "false");

        admin.genericKubernetesResources(CONNECTORS).inNamespace(namespace).withName("tool").delete();
        await().atMost(WATCH).untilAsserted(() -> as(carol).get(path("tool") + "/x").then().statusCode(404)
                .body("reason", equalTo("NotFound")));
    }

    @Test
    void apisPermissionIsRequiredOnlyWhileItsFlagIsOn() {
        connector("guarded", null);
        grantGet("alice", "guarded");
        grantGet("carol", "guarded");
        // carol may also use the API of the class "basic" on that Connector.
        grant("carol", "basic-apis", "connectors/apis/basic", "guarded");
        String alice = cluster.token("alice");
        String carol = cluster.token("carol");
        try {
            flag("enable-connector-apis-permissions", "false");
            await().atMost(WATCH).untilAsserted(() -> as(alice).get(path("guarded") + "/x").then().statusCode(200));
            flag("enable-connector-apis-permissions", "true");
            await().atMost(WATCH).untilAsserted(() -> as(alice).get(path("guarded") + "/x").then().statusCode(403)
                    .body("message", org.hamcrest.Matchers.containsString("apis/basic")));
            as(carol).get(path("guarded") + "/x").then().statusCode(200);
        } finally {
            flag("enable-connector-apis-permissions", "false");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void statusWriterKeepsApiPathAndApiReady() {
        // Whoever held the Lease before (a gateway that never released it, an earlier term of this
        // one), this gateway must hold it now and keep renewing it with the verbs its role grants.
        ZonedDateTime since = ZonedDateTime.now(ZoneOffset.UTC);
        await().atMost(LEASE_TAKEOVER).untilAsserted(() -> {
            Lease lease = admin.resources(Lease.class).inNamespace(RealCluster.SYSTEM_NAMESPACE).withName(STATUS_LEASE)
                    .get();
            assertThat(lease).as("Lease %s/%s", RealCluster.SYSTEM_NAMESPACE, STATUS_LEASE).isNotNull();
            assertThat(lease.getSpec().getHolderIdentity()).as("holder of the Lease").isNotBlank();
            assertThat(lease.getSpec().getRenewTime()).as("last renewal of the Lease").isAfter(since);
        });
        connector("with-status", null);
        await().atMost(WATCH).untilAsserted(() -> {
            GenericKubernetesResource seen = admin.genericKubernetesResources(CONNECTORS).inNamespace(namespace)
                    .withName("with-status").get();
            Map<String, Object> status = (Map<String, Object>) seen.getAdditionalProperties().get("status");
            assertThat(status).isNotNull();
            assertThat(((Map<String, Object>) status.get("api")).get("path"))
                    .isEqualTo("/connectors/v1alpha1/" + namespace + "/with-status/path");
        });
        await().atMost(WATCH).untilAsserted(() -> {
            GenericKubernetesResource seen = admin.genericKubernetesResources(CLASSES).withName("basic").get();
            Map<String, Object> status = (Map<String, Object>) seen.getAdditionalProperties().get("status");
            assertThat(status).isNotNull();
            assertThat(status.get("conditions").toString()).contains("APIReady").contains("NonAPI");
        });
    }

    @Test
    void kubeApiServerItselfAsABearerTokenToolWithItsCaTrusted() {
        kubeApiConnector("kube", true);
        await().atMost(WATCH).untilAsserted(() -> as(cluster.token("alice"))
                .get(path("kube") + "/api/v1/namespaces/" + namespace + "/configmaps/through-the-gateway")
                .then().statusCode(200).body("data.k", equalTo("v")));
    }

    @Test
    void labelledCaSecretsOfTheSystemNamespaceAreTrusted() {
        kubeApiConnector("kube-system-ca", false);
        String configMap = path("kube-system-ca") + "/api/v1/namespaces/" + namespace + "/configmaps/through-the-gateway";
        // The system trust store alone does not know the local cluster's CA: the TLS handshake fails.
        await().atMost(WATCH).untilAsserted(() -> as(cluster.token("alice")).get(configMap).then().statusCode(502)
                .body("kind", equalTo("Status")));
        String caSecret = "ca-" + namespace;
        admin.secrets().inNamespace(RealCluster.SYSTEM_NAMESPACE).resource(new SecretBuilder().withNewMetadata()
                .withName(caSecret).withNamespace(RealCluster.SYSTEM_NAMESPACE)
                .addToLabels("connectors.cpaas.io/ca-cert", "true").endMetadata()
                .addToStringData("cluster-ca.pem", cluster.cluster().caPem()).build()).serverSideApply();
        try {
            await().atMost(WATCH).untilAsserted(() -> as(cluster.token("alice")).get(configMap).then().statusCode(200)
                    .body("data.k", equalTo("v")));
        } finally {
            admin.secrets().inNamespace(RealCluster.SYSTEM_NAMESPACE).withName(caSecret).delete();
        }
    }

    /**
     * A Connector to the cluster's own kube-apiserver with a read-only ServiceAccount token, and a
     * ConfigMap to read through it; its CA comes from caCertSecretRef only if {@code caRef}.
     */
    private void kubeApiConnector(String name, boolean caRef) {
        String viewer = cluster.serviceAccountToken(namespace, "viewer");
        // An explicit Role: built-in roles are aggregated by the controller-manager, absent here.
        admin.rbac().roles().inNamespace(namespace).resource(new RoleBuilder().withNewMetadata()
                .withName("read-configmaps").withNamespace(namespace).endMetadata().addNewRule().withApiGroups("")
                .withResources("configmaps").withVerbs("get", "list").endRule().build()).serverSideApply();
        admin.rbac().roleBindings().inNamespace(namespace).resource(new RoleBindingBuilder().withNewMetadata()
                .withName("viewer-read").withNamespace(namespace).endMetadata().withNewRoleRef()
                .withApiGroup("rbac.authorization.k8s.io").withKind("Role").withName("read-configmaps").endRoleRef()
                .addNewSubject().withKind("ServiceAccount").withName("viewer").withNamespace(namespace).endSubject()
                .build()).serverSideApply();
        admin.secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata().withName("kube-token")
                .withNamespace(namespace).addToLabels(ClusterObjects.CONNECTOR_SECRET, "true").endMetadata().withType("connectors.cpaas.io/bearer-token")
                .addToStringData("token", viewer).build()).serverSideApply();
        Map<String, Object> spec = new java.util.LinkedHashMap<>(Map.of("connectorClassName", "basic",
                "address", cluster.cluster().apiUrl(),
                "auth", Map.of("name", "bearer", "secretRef", Map.of("name", "kube-token"))));
        if (caRef) {
            admin.secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata().withName("kube-ca")
                    .withNamespace(namespace).addToLabels(ClusterObjects.CONNECTOR_SECRET, "true").endMetadata().addToStringData("ca.crt", cluster.cluster().caPem())
                    .build()).serverSideApply();
            spec.put("caCertSecretRef", Map.of("name", "kube-ca"));
        }
        admin.genericKubernetesResources(CONNECTORS).inNamespace(namespace)
                .resource(generic(CONNECTORS, namespace, name, spec)).serverSideApply();
        admin.configMaps().inNamespace(namespace).resource(new ConfigMapBuilder().withNewMetadata()
                .withName("through-the-gateway").endMetadata().addToData("k", "v").build()).serverSideApply();
        grantGet("alice", name);
    }
}
