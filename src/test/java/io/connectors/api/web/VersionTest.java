package io.connectors.api.web;

import static org.hamcrest.Matchers.equalTo;

import io.connectors.api.support.FakeKubeAuth;
import io.connectors.api.support.GatewayTest;
import io.connectors.api.support.MockCluster;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = MockCluster.class)
class VersionTest extends GatewayTest {

    @Test
    void versionNamesServerAndCluster() {
        as(FakeKubeAuth.newToken("version")).get("/connectors/version").then().log().ifValidationFails().statusCode(200)
                .body("version", equalTo("0.1.0-SNAPSHOT"))
                .body("kubernetesVersion", equalTo("v1.20.2-mock"));
    }

    @Test
    void versionNeedsAToken() {
        RestAssured.get("/connectors/version").then().statusCode(401).body("kind", equalTo("Status"));
    }

    @Test
    void serverOpenApiDescribesTheGatewayRoutes() {
        RestAssured.given().accept("application/json").get("/q/openapi").then().statusCode(200)
                .body("paths.keySet()", org.hamcrest.Matchers.hasItems(
                        "/connectors/v1alpha1/{namespace}/{connector}/path/{apiPath}", "/connectors/version"))
                .body("components.schemas.Status.properties.reason.example", equalTo("Forbidden"));
    }

    @Test
    void readinessReportsSyncedInformers() {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> management().get("/q/health/ready").statusCode() == 200);
        management().get("/q/health/ready").then().log().ifValidationFails().statusCode(200)
                .body("checks.find { it.name == 'informers' }.status", equalTo("UP"));
    }
}
