package io.connectors.api.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.connectors.api.forward.ApiAddressResolver;
import io.connectors.api.model.Connector;
import io.connectors.api.route.RouteTable;
import io.connectors.api.support.Fixtures;
import io.connectors.api.support.GatewayTest;
import io.connectors.api.support.MockCluster;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
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
            // The leader counts a write once the response is back, which may be after the GET above saw it.
            await().atMost(Duration.ofSeconds(5)).until(() -> leader.writes() > 0);
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

    @Test
    void stoppingTheHolderHandsTheLeaseOverBeforeItExpires() {
        String lease = Fixtures.unique("lease");
        StatusWriter a = writer("replica-a", lease);
        StatusWriter b = writer("replica-b", lease);
        try {
            a.start();
            await().atMost(Duration.ofSeconds(30)).until(a::leading);
            b.start();
            assertThat(holderOf(lease)).isEqualTo("replica-a");

            long stopping = System.nanoTime();
            a.stop();
            // stop() returns only once the Lease no longer names the stopped replica.
            assertThat(holderOf(lease)).isNotEqualTo("replica-a");
            // Without the release, b would wait for the whole lease duration after a's last renewal.
            Duration bound = StatusWriter.LEASE_DURATION.minus(Duration.ofSeconds(5));
            await().atMost(bound).until(b::leading);
            System.out.printf("StatusWriterLeaseTest: replica-b took the lease %d ms after replica-a began to stop%n",
                    Duration.ofNanos(System.nanoTime() - stopping).toMillis());
            assertThat(holderOf(lease)).isEqualTo("replica-b");
            assertThat(a.leading()).isFalse();
        } finally {
            a.stop();
            b.stop();
        }
    }

    @Test
    void aWriterThatLostTheLeaseContendsAgain() {
        String lease = Fixtures.unique("lease");
        StatusWriter a = writer("replica-a", lease);
        try {
            a.start();
            await().atMost(Duration.ofSeconds(30)).until(a::leading);
            // Another replica took the Lease (as after a partition) and then went away without releasing it:
            // a's next renewal finds it held, a's election ends, and a must win the Lease once it expires.
            ZonedDateTime renewed = ZonedDateTime.now(ZoneOffset.UTC)
                    .minus(StatusWriter.LEASE_DURATION).plusSeconds(3);
            // An edit is a read then a write: a renewal in between makes it conflict, so try again.
            await().atMost(Duration.ofSeconds(10)).ignoreExceptionsInstanceOf(KubernetesClientException.class)
                    .until(() -> client.resources(Lease.class).inNamespace("connectors-system").withName(lease)
                            .edit(held -> {
                                held.getSpec().setHolderIdentity("replica-gone");
                                held.getSpec().setRenewTime(renewed);
                                return held;
                            }) != null);
            await().atMost(Duration.ofSeconds(15)).until(() -> !a.leading());
            await().atMost(Duration.ofSeconds(30)).until(a::leading);
            assertThat(holderOf(lease)).isEqualTo("replica-a");
        } finally {
            a.stop();
        }
    }

    private StatusWriter writer(String identity, String lease) {
        return new StatusWriter(client, caches, routes, addresses, identity, "connectors-system", lease,
                Duration.ofMinutes(5));
    }

    private Lease leaseOf(String name) {
        return client.resources(Lease.class).inNamespace("connectors-system").withName(name).get();
    }

    private String holderOf(String name) {
        Lease lease = leaseOf(name);
        return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
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
