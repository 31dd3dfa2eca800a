package io.connectors.api.openapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.connectors.api.model.ConnectorClassSpec.ApiSpec;
import io.connectors.api.model.ModelFixtures;
import io.connectors.api.support.FakeKubeAuth;
import io.connectors.api.support.Fixtures;
import io.connectors.api.support.GatewayTest;
import io.connectors.api.support.MockCluster;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Spec §3/§7: the class's and the Connector's OpenAPI documents, ETag and 304. */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = MockCluster.class)
class OpenApiRoutesTest extends GatewayTest {

    private static final String DOCUMENT = """
            {"openapi": "3.0.1", "info": {"title": "GitLab Custom API", "version": "1.0.0"},
             "paths": {"/gitlab/custom-api": {"get": {"x-provider-type": "api"}}}}""";

    private String namespace;
    private String className;
    private String token;

    @BeforeEach
    void documents() {
        namespace = Fixtures.unique("oas");
        className = Fixtures.unique("gitlab");
        token = FakeKubeAuth.newToken("oas");
        fixtures.connectorClass(className, new ApiSpec(null, tool.url(), ModelFixtures.json(DOCUMENT)));
    }

    private String classUrl(String name) {
        return "/connectors/v1alpha1/connectorclasses/" + name + "/openapi";
    }

    @Test
    void theClassDocumentAsServedWithETagAnd304() {
        Response response = as(token).get(classUrl(className));
        response.then().statusCode(200).contentType("application/json");
        String etag = response.header("ETag");
        assertThat(etag).matches("\"[0-9a-f]{64}\"");
        assertThat(ModelFixtures.json(response.asString())).isEqualTo(ModelFixtures.json(DOCUMENT));
        assertThat(EntityTags.strong(response.asByteArray())).isEqualTo(etag);

        Response notModified = as(token).header("If-None-Match", etag).get(classUrl(className));
        notModified.then().statusCode(304).header("ETag", etag);
        assertThat(notModified.asByteArray()).isEmpty();
        as(token).header("If-None-Match", "\"other\"").get(classUrl(className)).then().statusCode(200);

        Response head = as(token).head(classUrl(className));
        head.then().statusCode(200).header("ETag", etag);
        assertThat(head.asByteArray()).isEmpty();
    }

    @Test
    void theClassDocumentNeedsOnlyAuthentication() {
        RestAssured.given().get(classUrl(className)).then().statusCode(401);
        as(FakeKubeAuth.newToken("ungranted")).get(classUrl(className)).then().statusCode(200);
        as(token).post(classUrl(className)).then().statusCode(405);
    }

    @Test
    void noDocumentIs404() {
        String plain = Fixtures.unique("plain");
        fixtures.connectorClass(plain, null);
        as(token).get(classUrl(plain)).then().statusCode(404).body("reason", equalTo("NotFound"));
        as(token).get(classUrl("no-such-class")).then().statusCode(404).body("kind", equalTo("Status"));
    }

    @Test
    void aChangedDocumentHasANewETag() {
        String before = as(token).get(classUrl(className)).header("ETag");
        fixtures.connectorClass(className, new ApiSpec(null, tool.url(), ModelFixtures.json(DOCUMENT.replace("1.0.0", "2.0.0"))));
        Response after = as(token).header("If-None-Match", before).get(classUrl(className));
        after.then().statusCode(200);
        assertThat(after.header("ETag")).isNotEqualTo(before);
    }

    @Test
    void theConnectorDocumentIsUnderItsApiPathWithTheGatewayAsServer() {
        // The Secret is missing: the document does not need it.
        fixtures.connector(namespace, "gitlab", className, tool.url(), "missing-secret", null);
        String url = "/connectors/v1alpha1/" + namespace + "/gitlab/openapi";
        as(FakeKubeAuth.newToken("ungranted")).get(url).then().statusCode(403);
        FakeKubeAuth.grantGet(token, namespace, "gitlab");

        Response response = as(token).get(url);
        response.then().statusCode(200).contentType("application/json")
                .body("servers[0].url", equalTo(RestAssured.baseURI + ":" + RestAssured.port))
                .body("paths.keySet()", org.hamcrest.Matchers.contains(
                        "/connectors/v1alpha1/" + namespace + "/gitlab/path/gitlab/custom-api"))
                .body("info.title", equalTo("GitLab Custom API"));
        String etag = response.header("ETag");
        assertThat(EntityTags.strong(response.asString().getBytes(StandardCharsets.UTF_8))).isEqualTo(etag);
        as(token).header("If-None-Match", etag).get(url).then().statusCode(304);
        as(token).header("If-None-Match", etag).get(classUrl(className)).then().statusCode(200);

        // The base is the one the caller used; a Host that cannot be a URL authority is refused.
        Response viaName = as(token).header("Host", "gateway.example:8443").get(url);
        viaName.then().statusCode(200).body("servers[0].url", equalTo("http://gateway.example:8443"));
        assertThat(viaName.header("ETag")).isNotEqualTo(etag);
        as(token).header("Host", "evil\"/x").get(url).then().statusCode(400);
    }

    @Test
    void aConnectorWhoseClassHasNoDocumentIs404() {
        String plain = Fixtures.unique("plain");
        fixtures.connectorClass(plain, null);
        fixtures.connector(namespace, "plain", plain, tool.url(), null, null);
        FakeKubeAuth.grantGet(token, namespace, "plain");
        as(token).get("/connectors/v1alpha1/" + namespace + "/plain/openapi").then().statusCode(404);
        as(token).get("/connectors/v1alpha1/" + namespace + "/missing/openapi").then().statusCode(403);
    }
}
