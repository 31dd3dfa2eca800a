package io.connectors.api.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.connectors.api.support.FakeTool;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The namespace's curated OpenAPI document on a real cluster: real RBAC with per-name Roles
 * ({@code resourceNames}), a real SubjectAccessReview per Connector. Two callers with different
 * grants get different documents, each with its own ETag and 304; a caller with no grant gets a
 * document without paths.
 */
@QuarkusIntegrationTest
@WithTestResource(value = RealCluster.class, initArgs = @ResourceArg(name = "crds", value = "project"))
class NamespaceOpenApiIT {

    /** A Connector's deny is cached for connectors.auth.deny-ttl (30 s): waiting out one takes longer than WATCH. */
    static final Duration GRANTED = Duration.ofSeconds(60);

    private static Map<String, Object> operation(String operationId) {
        return Map.of("get", Map.of("x-provider-type", "api", "operationId", operationId));
    }

    @Test
    void twoCallersWithDifferentGrantsGetDifferentDocuments() {
        RealCluster cluster = RealCluster.current();
        KubernetesClient admin = cluster.admin();
        String namespace = "catalog-" + UUID.randomUUID().toString().substring(0, 8);
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
                .create();
        ClusterObjects objects = new ClusterObjects(admin, namespace);
        String className = "catalog-api-" + namespace;
        objects.connectorClass(className, Map.of(
                "address", Map.of("name", "address", "type", "string"),
                "api", Map.of("uri", FakeTool.get().url(), "openapi", Map.of("openapi", "3.0.1",
                        "info", Map.of("title", "catalog", "version", "1"),
                        "paths", Map.of("/items", operation("listItems"), "/items/{id}", operation("getItem"))))));
        for (String name : List.of("alpha", "beta", "gamma")) {
            objects.connector(name, Map.of("connectorClassName", className, "address", FakeTool.get().url()));
        }
        // Per-name Roles: alice may get alpha; bob beta and gamma; carol nothing.
        objects.grantGet("alice", "alpha");
        objects.grantGet("bob", "beta");
        objects.grantGet("bob", "gamma");
        String url = "/connectors/v1alpha1/" + namespace + "/openapi";
        String alice = cluster.token("alice");
        String bob = cluster.token("bob");
        String carol = cluster.token("carol");

        await().atMost(GRANTED).untilAsserted(() -> GatewayOnRealClusterContract.as(alice).get(url).then()
                .statusCode(200).body("tags.name", equalTo(List.of("alpha"))));
        await().atMost(GRANTED).untilAsserted(() -> GatewayOnRealClusterContract.as(bob).get(url).then()
                .statusCode(200).body("tags.name", equalTo(List.of("beta", "gamma"))));

        Response forAlice = GatewayOnRealClusterContract.as(alice).get(url);
        assertThat(forAlice.<Map<String, Object>>path("paths")).containsOnlyKeys(
                "/connectors/v1alpha1/" + namespace + "/alpha/path/items",
                "/connectors/v1alpha1/" + namespace + "/alpha/path/items/{id}");
        assertThat(forAlice.<String>path("paths['/connectors/v1alpha1/" + namespace + "/alpha/path/items'].get.operationId"))
                .isEqualTo("alpha.listItems");
        assertThat(forAlice.asString()).doesNotContain("/beta/", "/gamma/", "\"beta\"", "\"gamma\"");
        Response forBob = GatewayOnRealClusterContract.as(bob).get(url);
        assertThat(forBob.<Map<String, Object>>path("paths")).containsOnlyKeys(
                "/connectors/v1alpha1/" + namespace + "/beta/path/items",
                "/connectors/v1alpha1/" + namespace + "/beta/path/items/{id}",
                "/connectors/v1alpha1/" + namespace + "/gamma/path/items",
                "/connectors/v1alpha1/" + namespace + "/gamma/path/items/{id}");
        assertThat(forBob.asString()).doesNotContain("/alpha/", "\"alpha\"");

        String aliceTag = forAlice.header("ETag");
        String bobTag = forBob.header("ETag");
        assertThat(aliceTag).matches("\"[0-9a-f]{64}\"").isNotEqualTo(bobTag);
        GatewayOnRealClusterContract.as(alice).header("If-None-Match", aliceTag).get(url).then().statusCode(304);
        GatewayOnRealClusterContract.as(bob).header("If-None-Match", bobTag).get(url).then().statusCode(304);
        // One caller's ETag is no match for the other's document.
        GatewayOnRealClusterContract.as(bob).header("If-None-Match", aliceTag).get(url).then().statusCode(200)
                .header("ETag", bobTag);

        GatewayOnRealClusterContract.as(carol).get(url).then().statusCode(200)
                .body("tags.size()", equalTo(0)).body("paths.size()", equalTo(0));
        // Untrusted X-Forwarded-* (the default) change nothing in the servers URL.
        String server = forAlice.path("servers[0].url");
        GatewayOnRealClusterContract.as(alice).header("X-Forwarded-Host", "evil.example")
                .header("X-Forwarded-Prefix", "/phish").get(url).then().statusCode(200)
                .body("servers[0].url", equalTo(server)).header("ETag", aliceTag);

        // A new grant reaches the document (after alice's cached deny of beta expires) with a new ETag.
        objects.grantGet("alice", "beta");
        await().atMost(GRANTED.multipliedBy(2)).untilAsserted(() -> GatewayOnRealClusterContract.as(alice)
                .header("If-None-Match", aliceTag).get(url).then().statusCode(200)
                .body("tags.name", equalTo(List.of("alpha", "beta"))));
    }
}
