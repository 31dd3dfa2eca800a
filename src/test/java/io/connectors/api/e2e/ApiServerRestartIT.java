package io.connectors.api.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.connectors.api.support.FakeTool;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The API server is killed and started again while callers keep calling, without restarting the
 * gateway: decisions already cached keep succeeding, whatever needs a review fails closed with
 * 503 (and is not cached), and the watches resume. A cluster of its own (restartable=true).
 */
@QuarkusIntegrationTest
@WithTestResource(value = RealCluster.class, initArgs = {
        @ResourceArg(name = "crds", value = "project"),
        @ResourceArg(name = "restartable", value = "true") })
class ApiServerRestartIT {

    /** Informers reconnect with a back-off that grows while the API server is away. */
    static final Duration WATCHES_RESUME = Duration.ofSeconds(90);
    static final Duration WATCH = Duration.ofSeconds(20);

    @Test
    void cachedDecisionsKeepWorkingNewReviewsFailClosedAndWatchesResume() throws Exception {
        RealCluster cluster = RealCluster.current();
        String namespace = "restart-" + UUID.randomUUID().toString().substring(0, 8);
        cluster.admin().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
                .endMetadata().build()).create();
        ClusterObjects objects = new ClusterObjects(cluster.admin(), namespace);
        FakeTool tool = FakeTool.get();
        objects.connectorClass("plain-" + namespace, Map.of("address", Map.of("name", "address", "type", "string")));
        for (String name : new String[] {"used", "unused"}) {
            objects.connector(name, Map.of("connectorClassName", "plain-" + namespace, "address", tool.url()));
            objects.grantGet("alice", name);
        }
        String base = "http://127.0.0.1:" + RestAssured.port + "/connectors/v1alpha1/" + namespace + "/";
        String alice = cluster.token("alice");
        String carol = cluster.token("carol");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        await().atMost(WATCH).until(() -> status(http, base + "used/path/x", alice) == 200);

        // Load: alice calls the Connector she has already been allowed to use, without pause.
        ConcurrentMap<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread load = new Thread(() -> {
            while (running.get()) {
                int status;
                try {
                    status = status(http, base + "used/path/load", alice);
                } catch (Exception e) {
                    status = -1;
                }
                statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
            }
        }, "load");
        load.start();
        try {
            cluster.stopApiServer();
            long stopped = System.nanoTime();
            // Cached: alice's token and her allow decision on "used".
            for (int i = 0; i < 10; i++) {
                assertThat(status(http, base + "used/path/x", alice)).isEqualTo(200);
            }
            // Never reviewed: carol's token, alice on "unused". Fail closed, at once.
            assertThat(status(http, base + "used/path/x", carol)).isEqualTo(503);
            assertThat(status(http, base + "unused/path/x", alice)).isEqualTo(503);

            cluster.startApiServer();
            long started = System.nanoTime();
            // A failed review was not cached: now carol is reviewed (and has no grant), alice is allowed.
            await().atMost(WATCH).until(() -> status(http, base + "used/path/x", carol) == 403);
            await().atMost(WATCH).until(() -> status(http, base + "unused/path/x", alice) == 200);
            // The watches resumed: a Connector created after the restart is served.
            objects.connector("after", Map.of("connectorClassName", "plain-" + namespace, "address", tool.url()));
            objects.grantGet("alice", "after");
            await().atMost(WATCHES_RESUME).pollInterval(Duration.ofMillis(500))
                    .until(() -> status(http, base + "after/path/x", alice) == 200);
            System.out.printf("[restart] API server down %d ms; a Connector created after the restart served %d ms"
                    + " after it was ready%n", (started - stopped) / 1_000_000, (System.nanoTime() - started) / 1_000_000);
        } finally {
            running.set(false);
            load.join();
        }
        System.out.println("[restart] statuses of the load during the restart: " + statuses);
        assertThat(statuses.keySet()).as("statuses under load: %s", statuses).containsExactly(200);
        assertThat(statuses.get(200).get()).isPositive();
        RestAssured.given().baseUri("http://127.0.0.1").port(cluster.managementPort()).get("/q/health/ready")
                .then().statusCode(200);
    }

    static int status(HttpClient http, String url, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
