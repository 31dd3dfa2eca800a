package io.connectors.api.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.connectors.api.model.ConnectorClassSpec.ApiSpec;
import io.connectors.api.model.ModelFixtures;
import io.connectors.api.support.FakeKubeAuth;
import io.connectors.api.support.Fixtures;
import io.connectors.api.support.GatewayTest;
import io.connectors.api.support.MockCluster;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.RestAssured;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The access log writes what README and reference promise: the path template when one matched and
 * the kind of route, never the raw path or query, where tools such as GitLab or npm registries
 * carry tokens (a {@code private_token} query, a token as a path segment).
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = MockCluster.class)
class AccessLogTest extends GatewayTest {

    private static final String DOCUMENT = """
            {"openapi": "3.0.1", "info": {"title": "Tool", "version": "1"},
             "paths": {"/items/{id}": {"get": {"x-provider-type": "api"}}}}""";

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            lines.add(record instanceof org.jboss.logmanager.ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private String namespace;
    private String token;

    @BeforeEach
    void aConnectorAndACapture() {
        namespace = Fixtures.unique("logged");
        String className = Fixtures.unique("tool");
        fixtures.connectorClass(className, new ApiSpec(null, tool.url(), ModelFixtures.json(DOCUMENT)));
        fixtures.connector(namespace, "tool", className, tool.url(), null, null);
        token = FakeKubeAuth.newToken("logged");
        FakeKubeAuth.grantGet(token, namespace, "tool");
        Logger.getLogger("connectors.access").addHandler(capture);
    }

    @AfterEach
    void removeTheCapture() {
        Logger.getLogger("connectors.access").removeHandler(capture);
    }

    @Test
    void theLineHasTheTemplateAndTheRouteNeverThePath() {
        String base = "/connectors/v1alpha1/" + namespace + "/tool/path";
        String matched = as(token).get(base + "/items/glpat-SECRET1?private_token=SECRET2").then().statusCode(200)
                .extract().header("X-Request-Id");
        String unmatched = as(token).get(base + "/other/glpat-SECRET3").then().statusCode(200)
                .extract().header("X-Request-Id");
        String registry = RestAssured.given().get("/v2/namespaces/" + namespace + "/connectors/tool/glpat-SECRET4/tags/list")
                .then().statusCode(401).extract().header("X-Request-Id");
        String malformed = RestAssured.given().urlEncodingEnabled(false).get("/connectors/v1alpha1/" + namespace
                + "/tool/path/%2e%2e/glpat-SECRET5").then().statusCode(400).extract().header("X-Request-Id");

        await().atMost(Duration.ofSeconds(10)).until(() -> List.of(matched, unmatched, registry, malformed).stream()
                .allMatch(id -> lines.stream().anyMatch(line -> line.contains("id=" + id))));
        assertThat(lines).noneMatch(line -> line.contains("SECRET")).noneMatch(line -> line.contains("path="));
        assertThat(line(matched)).contains(" template=/items/{id} ").contains(" route=ConnectorApi ")
                .contains(" connector=" + namespace + "/tool ");
        assertThat(line(unmatched)).contains(" template=- ").contains(" route=ConnectorApi ");
        assertThat(line(registry)).contains(" template=- ").contains(" route=Registry ");
        // A path that never became a route: its kind is unknown, and nothing of it is written.
        assertThat(line(malformed)).contains(" template=- ").contains(" route=- ").contains(" status=400 ");
    }

    private String line(String requestId) {
        return lines.stream().filter(line -> line.contains("id=" + requestId)).findFirst().orElseThrow();
    }
}
