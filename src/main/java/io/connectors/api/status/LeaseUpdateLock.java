package io.connectors.api.status;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpecBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.Lock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Objects;
import java.util.Optional;

/**
 * A Lease lock for fabric8's LeaderElector that writes with update (PUT with the last read
 * resourceVersion), as client-go's Lease lock does. fabric8's own LeaseLock renews with a JSON
 * merge PATCH, which the ClusterRole (get, create, update on leases: what client-go needs) does
 * not allow: every renewal was refused and the writer lost the Lease after the renew deadline.
 */
final class LeaseUpdateLock implements Lock {

    private static final ZonedDateTime NEVER = ZonedDateTime.ofInstant(Instant.EPOCH, ZoneOffset.UTC);

    private final String namespace;
    private final String name;
    private final String identity;
    private Lease lease;

    LeaseUpdateLock(String namespace, String name, String identity) {
        this.namespace = Objects.requireNonNull(namespace);
        this.name = Objects.requireNonNull(name);
        this.identity = Objects.requireNonNull(identity);
    }

    @Override
    public synchronized LeaderElectionRecord get(KubernetesClient client) {
        lease = client.resources(Lease.class).inNamespace(namespace).withName(name).get();
        return lease == null || lease.getSpec() == null ? null : toRecord(lease.getSpec());
    }

    @Override
    public synchronized void create(KubernetesClient client, LeaderElectionRecord record) {
        lease = client.resources(Lease.class).inNamespace(namespace).resource(new LeaseBuilder().withNewMetadata()
                .withNamespace(namespace).withName(name).endMetadata().withSpec(toSpec(record)).build()).create();
    }

    @Override
    public synchronized void update(KubernetesClient client, LeaderElectionRecord record) {
        Objects.requireNonNull(lease, "get or create must be called first");
        // A conflict (someone else wrote since our read) fails the attempt; the elector retries.
        lease = client.resources(Lease.class).inNamespace(namespace)
                .resource(new LeaseBuilder(lease).withSpec(toSpec(record)).build()).update();
    }

    @Override
    public String identity() {
        return identity;
    }

    @Override
    public String describe() {
        return "Lease " + namespace + "/" + name + " (" + identity + ")";
    }

    static LeaseSpec toSpec(LeaderElectionRecord record) {
        return new LeaseSpecBuilder().withHolderIdentity(record.getHolderIdentity())
                .withLeaseDurationSeconds((int) record.getLeaseDuration().toSeconds())
                .withAcquireTime(record.getAcquireTime()).withRenewTime(record.getRenewTime())
                .withLeaseTransitions(record.getLeaderTransitions()).build();
    }

    /** Missing times or duration (a Lease written by hand) read as long expired. */
    static LeaderElectionRecord toRecord(LeaseSpec spec) {
        return new LeaderElectionRecord(spec.getHolderIdentity(),
                Duration.ofSeconds(Optional.ofNullable(spec.getLeaseDurationSeconds()).orElse(0)),
                Optional.ofNullable(spec.getAcquireTime()).orElse(NEVER),
                Optional.ofNullable(spec.getRenewTime()).orElse(NEVER),
                Optional.ofNullable(spec.getLeaseTransitions()).orElse(0));
    }
}
