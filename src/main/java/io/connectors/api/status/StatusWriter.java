package io.connectors.api.status;

import io.connectors.api.forward.ApiAddressResolver;
import io.connectors.api.model.Connector;
import io.connectors.api.model.ConnectorClass;
import io.connectors.api.resolve.InformerCaches;
import io.connectors.api.route.RouteTable;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Keeps {@code Connector.status.api.path} and {@code ConnectorClass.status.api} (+ APIReady)
 * while this replica holds the Lease. It reconciles from the informer stores on every change and
 * on a periodic resync, on its own thread, and writes only what differs.
 */
public final class StatusWriter {

    private static final Logger LOG = Logger.getLogger(StatusWriter.class);

    private final KubernetesClient client;
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
    private CompletableFuture<?> election;

    public StatusWriter(KubernetesClient client, InformerCaches caches, RouteTable routes, ApiAddressResolver addresses,
            String identity, String leaseNamespace, String leaseName, Duration resync) {
        this.client = client;
        this.caches = caches;
        this.routes = routes;
        this.desired = new DesiredStatus(addresses, Clock.systemUTC());
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
        worker.scheduleWithFixedDelay(this::requestReconcile, resync.toMillis(), resync.toMillis(), TimeUnit.MILLISECONDS);
        election = client.leaderElector().withConfig(new LeaderElectionConfigBuilder()
                .withName(leaseName)
                .withLock(new LeaseLock(leaseNamespace, leaseName, identity))
                .withLeaseDuration(Duration.ofSeconds(15))
                .withRenewDeadline(Duration.ofSeconds(10))
                .withRetryPeriod(Duration.ofSeconds(2))
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(this::startedLeading, this::stoppedLeading,
                        leader -> LOG.debugf("status writer leader is %s", leader)))
                .build()).build().start();
    }

    public void stop() {
        if (election != null) {
            election.cancel(true);
        }
        leading.set(false);
        worker.shutdownNow();
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
            desired.forClass(connectorClass, routes.problem(name))
                    .ifPresent(patch -> write(ConnectorClass.class, null, name, patch));
        }
        for (Connector connector : caches.connectors()) {
            desired.forConnector(connector).ifPresent(patch -> write(Connector.class,
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
