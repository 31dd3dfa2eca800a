package io.connectors.api.openapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

import io.connectors.api.model.ConnectorClassSpec.ApiSpec;
import io.connectors.api.model.ModelFixtures;
import io.connectors.api.support.FakeKubeAuth;
import io.connectors.api.support.Fixtures;
import io.connectors.api.support.GatewayTest;
import io.connectors.api.support.MockCluster;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributes;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /connectors/v1alpha1/{ns}/openapi}: the namespace's curated document holds exactly the
 * Connectors the caller may get (one SAR each), with ETag and 304; nobody learns about the others.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = MockCluster.class)
class NamespaceOpenApiTest extends GatewayTest {

    private static final String GITLAB = """
            {"openapi": "3.0.1", "info": {"title": "GitLab", "version": "1.0.0"},
             "paths": {"/api/v4/projects": {"get": {"operationId": "listProjects", "tags": ["projects"],
                         "responses": {"200": {"description": "ok",
                           "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Project"}}}}}}},
                       "/custom/branches": {"get": {"x-provider-type": "api", "operationId": "branches"}}},
             "components": {"schemas": {"Project": {"type": "object"}}}}""";
    private static final String HARBOR = """
            {"openapi": "3.0.1", "info": {"title": "Harbor", "version": "2.0.0"},
             "paths": {"/api/v2.0/projects": {"get": {"operationId": "listProjects",
                         "responses": {"200": {"description": "ok",
                           "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Project"}}}}}}}},
             "components": {"schemas": {"Project": {"type": "object", "properties": {"name": {"type": "string"}}}}}}""";

    private String namespace;
    private String gitlab;
    private String harbor;

    @BeforeEach
    void namespaceWithThreeConnectors() {
        namespace = Fixtures.unique("catalog");
        gitlab = Fixtures.unique("gitlab");
        harbor = Fixtures.unique("harbor");
        String plain = Fixtures.unique("plain");
        fixtures.connectorClass(gitlab, new ApiSpec(null, tool.url(), ModelFixtures.json(GITLAB)));
        fixtures.connectorClass(harbor, new ApiSpec(null, tool.url(), ModelFixtures.json(HARBOR)));
        fixtures.connectorClass(plain, null);
        fixtures.connector(namespace, "gitlab-a", gitlab, tool.url(), null, null);
        fixtures.connector(namespace, "gitlab-b", gitlab, tool.url(), null, null);
        fixtures.connector(namespace, "harbor", harbor, tool.url(), null, null);
        fixtures.connector(namespace, "git", plain, tool.url(), null, null);
    }

    private String url() {
        return "/connectors/v1alpha1/" + namespace + "/openapi";
    }

    private String base() {
        return RestAssured.baseURI + ":" + RestAssured.port;
    }

    private static String path(String namespace, String connector, String apiPath) {
        return "/connectors/v1alpha1/" + namespace + "/" + connector + "/path" + apiPath;
    }

    @Test
    void onlyTheConnectorsTheCallerMayGet() {
        String alice = FakeKubeAuth.newToken("alice");
        FakeKubeAuth.grantGet(alice, namespace, "gitlab-a");
        FakeKubeAuth.grantGet(alice, namespace, "git");
        String bob = FakeKubeAuth.newToken("bob");
        FakeKubeAuth.grantGet(bob, namespace, "harbor");
        FakeKubeAuth.grantGet(bob, namespace, "gitlab-b");

        Response forAlice = as(alice).get(url());
        forAlice.then().statusCode(200).contentType("application/json")
                .body("openapi", equalTo("3.0.3"))
                .body("servers[0].url", equalTo(base()))
                .body("tags.name", equalTo(List.of("git", "gitlab-a")))
                .body("tags.find { it.name == 'gitlab-a' }.x-connector.apiPath",
                        equalTo("/connectors/v1alpha1/" + namespace + "/gitlab-a/path"))
                .body("tags.find { it.name == 'git' }.x-connector.connectorClassName", org.hamcrest.Matchers.startsWith("plain-"))
                .body("paths.keySet()", org.hamcrest.Matchers.containsInAnyOrder(
                        path(namespace, "gitlab-a", "/api/v4/projects"), path(namespace, "gitlab-a", "/custom/branches")));
        Map<String, Object> listProjects = forAlice.path("paths['" + path(namespace, "gitlab-a", "/api/v4/projects") + "'].get");
        assertThat(listProjects).containsEntry("tags", List.of("gitlab-a")).containsEntry("operationId", "gitlab-a.listProjects");
        assertThat(forAlice.<String>path("paths['" + path(namespace, "gitlab-a", "/api/v4/projects")
                + "'].get.responses.'200'.content.'application/json'.schema.$ref"))
                .isEqualTo("#/components/schemas/" + gitlab + ".Project");
        assertThat(forAlice.<Map<String, Object>>path("components.schemas")).containsOnlyKeys(gitlab + ".Project");
        assertThat(forAlice.<Object>path("components.securitySchemes.kubernetesBearerToken.scheme")).isEqualTo("bearer");

        Response forBob = as(bob).get(url());
        forBob.then().statusCode(200)
                .body("tags.name", equalTo(List.of("gitlab-b", "harbor")))
                .body("paths.keySet()", org.hamcrest.Matchers.containsInAnyOrder(
                        path(namespace, "gitlab-b", "/api/v4/projects"), path(namespace, "gitlab-b", "/custom/branches"),
                        path(namespace, "harbor", "/api/v2.0/projects")));
        // Two classes with one component name: each keeps its own.
        assertThat(forBob.<Map<String, Object>>path("components.schemas"))
                .containsOnlyKeys(gitlab + ".Project", harbor + ".Project");
        assertThat(forBob.header("ETag")).isNotEqualTo(forAlice.header("ETag"));

        // One SAR per Connector of the namespace, for each caller: get on that Connector by name.
        List<ResourceAttributes> reviews = FakeKubeAuth.accessReviews().stream()
                .filter(review -> namespace.equals(review.getNamespace())).toList();
        assertThat(reviews).extracting(ResourceAttributes::getName)
                .containsExactlyInAnyOrder("gitlab-a", "gitlab-b", "harbor", "git", "gitlab-a", "gitlab-b", "harbor", "git");
        assertThat(reviews).allSatisfy(review -> {
            assertThat(review.getVerb()).isEqualTo("get");
            assertThat(review.getResource()).isEqualTo("connectors");
            assertThat(review.getSubresource()).isNullOrEmpty();
        });
    }

    @Test
    void etagIsTheHashOfTheDocumentAndIfNoneMatchGives304() {
        String token = FakeKubeAuth.newToken("etag");
        FakeKubeAuth.grantGet(token, namespace, "harbor");
        Response response = as(token).get(url());
        response.then().statusCode(200);
        String etag = response.header("ETag");
        assertThat(etag).matches("\"[0-9a-f]{64}\"").isEqualTo(EntityTags.strong(response.asByteArray()));

        Response notModified = as(token).header("If-None-Match", etag).get(url());
        notModified.then().statusCode(304).header("ETag", etag);
        assertThat(notModified.asByteArray()).isEmpty();
        as(token).header("If-None-Match", "W/" + etag).get(url()).then().statusCode(304);
        as(token).header("If-None-Match", "\"other\"").get(url()).then().statusCode(200).header("ETag", etag);
        Response head = as(token).head(url());
        head.then().statusCode(200).header("ETag", etag);
        assertThat(head.asByteArray()).isEmpty();

        // Another caller with the same grants gets the same bytes, so the same ETag.
        String same = FakeKubeAuth.newToken("same");
        FakeKubeAuth.grantGet(same, namespace, "harbor");
        as(same).header("If-None-Match", etag).get(url()).then().statusCode(304);

        String other = FakeKubeAuth.newToken("other");
        FakeKubeAuth.grantGet(other, namespace, "harbor");
        // The class's own info is not part of the namespace's document: the same bytes, the same ETag.
        fixtures.connectorClass(harbor, new ApiSpec(null, tool.url(), ModelFixtures.json(HARBOR.replace("2.0.0", "2.1.0"))));
        as(other).header("If-None-Match", etag).get(url()).then().statusCode(304);
        fixtures.connectorClass(harbor, new ApiSpec(null, tool.url(),
                ModelFixtures.json(HARBOR.replace("/api/v2.0/projects", "/api/v2.0/repositories"))));
        Response changed = as(other).header("If-None-Match", etag).get(url());
        changed.then().statusCode(200).body("paths.keySet()", org.hamcrest.Matchers.contains(
                path(namespace, "harbor", "/api/v2.0/repositories")));
        assertThat(changed.header("ETag")).isNotEqualTo(etag);
    }

    @Test
    void aCallerWhoMayGetNoneGetsADocumentWithoutPaths() {
        String nobody = FakeKubeAuth.newToken("nobody");
        Response response = as(nobody).get(url());
        response.then().statusCode(200)
                .body("openapi", equalTo("3.0.3"))
                .body("info.title", equalTo("Connectors of namespace " + namespace))
                .body("servers[0].url", equalTo(base()))
                .body("tags", empty())
                .body("paths.size()", equalTo(0));
        assertThat(response.asString()).doesNotContain("gitlab-a", "harbor", gitlab, harbor);
        // The same as for a namespace that does not exist (or is not watched): nothing to tell them apart.
        String missing = Fixtures.unique("nothing-here");
        Response elsewhere = as(nobody).get("/connectors/v1alpha1/" + missing + "/openapi");
        elsewhere.then().statusCode(200).body("paths.size()", equalTo(0)).body("tags", empty());
        assertThat(elsewhere.asString().replace(missing, namespace)).isEqualTo(response.asString());
    }

    @Test
    void authenticatedGetOnly() {
        RestAssured.given().get(url()).then().statusCode(401).body("kind", equalTo("Status"));
        as("not-a-token").get(url()).then().statusCode(401);
        String token = FakeKubeAuth.newToken("writer");
        as(token).post(url()).then().statusCode(405).body("reason", equalTo("MethodNotAllowed"));
        as(token).get("/connectors/v1alpha1/Not_A_Namespace/openapi").then().statusCode(400);
    }

    @Test
    void aFailingReviewFailsTheDocumentClosed() {
        String token = FakeKubeAuth.newToken("failing");
        FakeKubeAuth.grantGet(token, namespace, "harbor");
        FakeKubeAuth.failAccessReviews(true);
        try {
            as(token).get(url()).then().statusCode(503).body("reason", equalTo("ServiceUnavailable"));
        } finally {
            FakeKubeAuth.failAccessReviews(false);
        }
        as(token).get(url()).then().statusCode(200).body("tags.name", equalTo(List.of("harbor")));
    }

    @Test
    void forwardedHeadersFromAnUntrustedPeerAreIgnored() {
        // connectors.proxy.trust-forwarded-headers is off here: the caller chooses none of the URL.
        String token = FakeKubeAuth.newToken("forwarded");
        FakeKubeAuth.grantGet(token, namespace, "harbor");
        as(token).header("X-Forwarded-Host", "evil.example").header("X-Forwarded-Proto", "https")
                .header("X-Forwarded-Prefix", "/phish").get(url())
                .then().statusCode(200).body("servers[0].url", equalTo(base()));
        as(token).header("X-Forwarded-Host", "evil.example").header("X-Forwarded-Prefix", "/phish")
                .get("/connectors/v1alpha1/" + namespace + "/harbor/openapi")
                .then().statusCode(200).body("servers[0].url", equalTo(base()));
    }
}
