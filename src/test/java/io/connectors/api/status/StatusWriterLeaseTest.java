package io.connectors.api.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.connectors.api.forward.ApiAddressResolver;
import io.connectors.api.model.Connector;
import io.connectors.api.route.RouteTable;
import io.connectors.api.support.Fixtures;
import io.connectors.api.support.GatewayTest;
import io.connectors.api.support.MockCluster;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Two replicas' writers contend for one Lease: exactly one writes, and the other takes over. */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = MockCluster.class)
class StatusWriterLeaseTest extends GatewayTest {

    @Inject
    RouteTable routes;

    @Inject
    ApiAddressResolver addresses;

    @Test
    void onlyTheLeaseHolderWrites() {
        String lease = Fixtures.unique("lease");
        // Before any writer runs: a leader would patch the class's status before the fixture saw it.
        fixtures.connectorClass("plain", null);
        StatusWriter a = new StatusWriter(client, caches, routes, addresses, "replica-a", "connectors-system", lease,
                Duration.ofSeconds(1));
        StatusWriter b = new StatusWriter(client, caches, routes, addresses, "replica-b", "connectors-system", lease,
                Duration.ofSeconds(1));
        try {
            a.start();
            b.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> a.leading() || b.leading());
            StatusWriter leader = a.leading() ? a : b;
            StatusWriter follower = leader == a ? b : a;

            String namespace = Fixtures.unique("status");
            create(namespace, "written");
            await().atMost(Duration.ofSeconds(20)).until(() -> pathOf(namespace, "written") != null);
            assertThat(pathOf(namespace, "written")).isEqualTo("/connectors/v1alpha1/" + namespace + "/written/path");
            assertThat(leader.writes()).isPositive();
            assertThat(follower.writes()).isZero();
            assertThat(List.of(a.leading(), b.leading())).containsExactlyInAnyOrder(true, false);

            // When the leader goes away, the other replica takes the Lease and keeps the statuses.
            leader.stop();
            await().atMost(Duration.ofSeconds(40)).until(follower::leading);
            create(namespace, "after-failover");
            await().atMost(Duration.ofSeconds(20)).until(() -> pathOf(namespace, "after-failover") != null);
            assertThat(follower.writes()).isPositive();
        } finally {
            a.stop();
            b.stop();
        }
    }

    /** Created directly: the leader patches its status at once, so no fixture can wait for its first version. */
    private void create(String namespace, String name) {
        Connector connector = new Connector();
        connector.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withNamespace(namespace)
                .withName(name).build());
        connector.setSpec(new io.connectors.api.model.ConnectorSpec("plain", "http://127.0.0.1:1", null, null, null, null));
        client.resource(connector).create();
    }

    private String pathOf(String namespace, String name) {
        Connector connector = client.resources(Connector.class).inNamespace(namespace).withName(name).get();
        return connector == null || connector.getStatus() == null || connector.getStatus().api() == null ? null
                : connector.getStatus().api().path();
    }
}
