package io.connectors.api.support;

import io.connectors.api.resolve.InformerCaches;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.net.URL;
import org.junit.jupiter.api.BeforeEach;

/**
 * Shared set-up of the gateway tests: the cluster client, fixtures and a fresh fake tool queue.
 * Subclasses carry {@code @QuarkusTest @WithKubernetesTestServer(crud = true, setup = MockCluster.class)}
 * so that all of them share one application and one mock cluster.
 */
public abstract class GatewayTest {

    @Inject
    protected KubernetesClient client;

    @Inject
    protected InformerCaches caches;

    /** The management interface (its own port): the only place /q/health and /q/metrics are served. */
    @TestHTTPResource(management = true)
    protected URL managementUrl;

    protected Fixtures fixtures;
    protected FakeTool tool;

    @BeforeEach
    void setUpGatewayTest() {
        fixtures = new Fixtures(client, caches);
        tool = FakeTool.get();
        tool.clear();
    }

    /** A request as the holder of {@code token}. */
    protected static RequestSpecification as(String token) {
        return RestAssured.given().header("Authorization", "Bearer " + token).urlEncodingEnabled(false);
    }

    /** A request to the management interface; paths are absolute ({@code /q/metrics}). */
    protected RequestSpecification management() {
        return RestAssured.given().baseUri(managementUrl.getProtocol() + "://" + managementUrl.getHost())
                .port(managementUrl.getPort());
    }

    protected static String apiPath(String namespace, String name) {
        return "/connectors/v1alpha1/" + namespace + "/" + name + "/path";
    }
}
