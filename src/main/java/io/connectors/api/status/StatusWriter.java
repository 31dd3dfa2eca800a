package io.connectors.api.status;

import io.connectors.api.apiref.ApiSpecs;
import io.connectors.api.apiref.ReferencedObjects;
import io.connectors.api.forward.ApiAddressResolver;
import io.connectors.api.model.Connector;
import io.connectors.api.model.ConnectorClass;
import io.connectors.api.resolve.InformerCaches;
import io.connectors.api.route.RouteTable;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Keeps {@code Connector.status.api.path} (and, with a public URL, {@code status.proxy} +
 * ProxyServiceReady) and {@code ConnectorClass.status.api}, {@code status.proxy} (+ APIReady, APISpecResolved)
 * while this replica holds the Lease. It reconciles from the informer stores on every change and
 * on a periodic resync, on its own thread, and writes only what differs.
 *
 * <p>On {@link #stop()} it gives the Lease up (no holder) before returning, so that another
 * replica takes over within one retry period instead of waiting for the lease to expire. A
 * replica that loses the Lease (renewals failing past the renew deadline) contends again.
 */
public final class StatusWriter {

    private static final Logger LOG = Logger.getLogger(StatusWriter.class);

    static final Duration LEASE_DURATION = Duration.ofSeconds(15);
    static final Duration RENEW_DEADLINE = Duration.ofSeconds(10);
    static final Duration RETRY_PERIOD = Duration.ofSeconds(2);
    /** Shutdown waits at most this long for the hand-over; past it the Lease just expires. */
    static final Duration RELEASE_TIMEOUT = Duration.ofSeconds(5);

    private final KubernetesClient client;
    private final ReferencedObjects referenced;
    private final ApiSpecs specs;
    private final InformerCaches caches;
    private final RouteTable routes;
    private final DesiredStatus desired;
    private final String identity;
    private final String leaseNamespace;
    private final String leaseName;
    private final Duration resync;
    private final ScheduledExecutorService worker;
    private final AtomicBoolean leading = new AtomicBoolean();
    private final AtomicBoolean pending = new AtomicBoolean();
    private final AtomicLong writes = new AtomicLong();
    private volatile boolean stopped;
    private volatile CompletableFuture<?> election;

    public StatusWriter(KubernetesClient client, InformerCaches caches, RouteTable routes, ApiAddressResolver addresses,
            String identity, String leaseNamespace, String leaseName, Duration resync) {
        this(client, caches, routes, addresses, null, null, Optional.empty(), identity, leaseNamespace, leaseName, resync);
    }

    /**
     * With the objects classes reference and the class APIs' own OpenAPI documents (their changes are
     * reconciled too), and the gateway's public URL, the base of the Connectors' proxy addresses.
     */
    public StatusWriter(KubernetesClient client, InformerCaches caches, RouteTable routes, ApiAddressResolver addresses,
            ReferencedObjects referenced, ApiSpecs specs, Optional<String> publicUrl, String identity,
            String leaseNamespace, String leaseName, Duration resync) {
        this.referenced = referenced;
        this.specs = specs;
        this.client = client;
        this.caches = caches;
        this.routes = routes;
        this.desired = new DesiredStatus(addresses, Clock.systemUTC(), publicUrl);
        this.identity = identity;
        this.leaseNamespace = leaseNamespace;
        this.leaseName = leaseName;
        this.resync = resync;
        this.worker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "status-writer");
            thread.setDaemon(true);
            return thread;
        });
    }

    public void start() {
        caches.onConnectorsChanged(this::requestReconcile);
        caches.onConnectorClassesChanged(this::requestReconcile);
        if (referenced != null) {
            referenced.onChanged(this::requestReconcile);
        }
        if (specs != null) {
            specs.onChanged(this::requestReconcile);
        }
        worker.scheduleWithFixedDelay(this::requestReconcile, resync.toMillis(), resync.toMillis(), TimeUnit.MILLISECONDS);
        elect();
    }

    /**
     * One election: fabric8's LeaderElector is single-use and its future completes for good once
     * this replica loses the Lease, so a new one is started then, unless the writer is stopping.
     */
    private synchronized void elect() {
        if (stopped) {
            return;
        }
        CompletableFuture<?> current = client.leaderElector().withConfig(electionConfig()).build().start();
        election = current;
        current.whenComplete((ignored, failure) -> {
            if (!stopped) {
                LOG.infof("%s lost lease %s/%s: contending again", identity, leaseNamespace, leaseName);
                worker.schedule(this::elect, RETRY_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
            }
        });
    }

    private LeaderElectionConfig electionConfig() {
        return new LeaderElectionConfigBuilder()
                .withName(leaseName)
                .withLock(new LeaseUpdateLock(leaseNamespace, leaseName, identity))
                .withLeaseDuration(LEASE_DURATION)
                .withRenewDeadline(RENEW_DEADLINE)
                .withRetryPeriod(RETRY_PERIOD)
                // fabric8 7.6's release-on-cancel writes a record with no holder through the lock
                // and swallows its failures; release() clears the holder, bounded, and says so.
                .withReleaseOnCancel(false)
                .withLeaderCallbacks(new LeaderCallbacks(this::startedLeading, this::stoppedLeading,
                        leader -> LOG.debugf("status writer leader is %s", leader)))
                .build();
    }

    /**
     * Stops writing and, if this replica holds the Lease, releases it before returning; bounded by
     * {@link #RELEASE_TIMEOUT} so that an unreachable API server cannot hold up shutdown.
     */
    public void stop() {
        stopped = true;
        leading.set(false);
        CompletableFuture<Void> handOver = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                CompletableFuture<?> current;
                synchronized (this) {
                    current = election;
                }
                if (current != null) {
                    // Returns once fabric8 stopped renewing (it waits for a renewal in flight).
                    current.cancel(true);
                }
                release();
                handOver.complete(null);
            } catch (RuntimeException e) {
                handOver.completeExceptionally(e);
            }
        }, "status-writer-release");
        thread.setDaemon(true);
        thread.start();
        try {
            handOver.get(RELEASE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warnf("lease %s/%s not released within %s: the other replicas take it when it expires",
                    leaseNamespace, leaseName, RELEASE_TIMEOUT);
            thread.interrupt();
        } catch (ExecutionException e) {
            LOG.warnf("lease %s/%s not released (%s): the other replicas take it when it expires", leaseNamespace,
                    leaseName, e.getCause().getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        worker.shutdownNow();
    }

    /**
     * Clears the holder if it is still this replica, as client-go does on release: an update with
     * the read resourceVersion, so a replica that took the Lease meanwhile is never overwritten.
     */
    private void release() {
        var leases = client.resources(Lease.class).inNamespace(leaseNamespace);
        Lease lease = leases.withName(leaseName).get();
        if (lease == null || lease.getSpec() == null || !identity.equals(lease.getSpec().getHolderIdentity())) {
            return;
        }
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        lease.getSpec().setHolderIdentity(null);
        lease.getSpec().setLeaseDurationSeconds(1);
        lease.getSpec().setAcquireTime(now);
        lease.getSpec().setRenewTime(now);
        try {
            leases.resource(lease).update();
            LOG.infof("%s released lease %s/%s", identity, leaseNamespace, leaseName);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            LOG.debugf("lease %s/%s changed while releasing it: another replica holds it", leaseNamespace, leaseName);
        }
    }

    public boolean leading() {
        return leading.get();
    }

    /** How many status patches this replica has sent. */
    public long writes() {
        return writes.get();
    }

    public String identity() {
        return identity;
    }

    private void startedLeading() {
        LOG.infof("%s holds lease %s/%s: writing Connector and ConnectorClass status", identity, leaseNamespace, leaseName);
        leading.set(true);
        requestReconcile();
    }

    private void stoppedLeading() {
        LOG.infof("%s no longer holds lease %s/%s", identity, leaseNamespace, leaseName);
        leading.set(false);
    }

    /** Coalesces bursts of events into one pass on the writer's thread. */
    private void requestReconcile() {
        if (leading.get() && pending.compareAndSet(false, true)) {
            worker.execute(() -> {
                pending.set(false);
                reconcile();
            });
        }
    }

    private void reconcile() {
        for (ConnectorClass connectorClass : caches.connectorClasses()) {
            String name = connectorClass.getMetadata().getName();
            desired.forClass(connectorClass, routes.problem(name),
                    specs == null ? Optional.empty() : specs.state(name))
                    .ifPresent(patch -> write(ConnectorClass.class, null, name, patch));
        }
        for (Connector connector : caches.connectors()) {
            String className = connector.getSpec() == null ? null : connector.getSpec().connectorClassName();
            desired.forConnector(connector, className == null ? Optional.empty() : caches.connectorClass(className))
                    .ifPresent(patch -> write(Connector.class,
                    connector.getMetadata().getNamespace(), connector.getMetadata().getName(), patch));
        }
    }

    private <T extends io.fabric8.kubernetes.api.model.HasMetadata> void write(Class<T> type, String namespace,
            String name, Map<String, Object> patch) {
        if (!leading.get()) {
            return;
        }
        try {
            var resources = client.resources(type);
            var resource = namespace == null ? resources.withName(name) : resources.inNamespace(namespace).withName(name);
            resource.subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE),
                    client.getKubernetesSerialization().asJson(patch));
            writes.incrementAndGet();
        } catch (RuntimeException e) {
            // The object may be gone, or the API server busy: the next event or resync tries again.
            LOG.debugf("status of %s %s not written: %s", type.getSimpleName(), name, e.getClass().getSimpleName());
        }
    }

    static Optional<String> hostname() {
        return Optional.ofNullable(System.getenv("HOSTNAME")).filter(h -> !h.isBlank());
    }
}
