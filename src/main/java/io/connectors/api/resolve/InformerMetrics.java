package io.connectors.api.resolve;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;

/**
 * The gauge {@code connectors.informer.objects} (Prometheus: {@code connectors_informer_objects}),
 * one series per {@code resource} of {@link InformerCaches#sizes()}: how many objects this replica
 * holds in memory. Read when scraped.
 */
@ApplicationScoped
public class InformerMetrics {

    static final String NAME = "connectors.informer.objects";

    private final List<Gauge> gauges = new ArrayList<>();
    private MeterRegistry registry;

    void register(@Observes StartupEvent event, InformerCaches caches, MeterRegistry registry) {
        this.registry = registry;
        for (String resource : caches.sizes().keySet()) {
            gauges.add(Gauge.builder(NAME, caches, c -> c.sizes().getOrDefault(resource, 0))
                    .description("Objects held by this replica's informer caches")
                    .tag("resource", resource)
                    .strongReference(true)
                    .register(registry));
        }
    }

    /**
     * The gauges read this application's beans: remove them with it. Micrometer's global registry
     * outlives an application restart in one JVM (tests, dev mode), and a gauge of the same name
     * registered later would otherwise be ignored in favour of the stale one.
     */
    void unregister(@Observes ShutdownEvent event) {
        if (registry != null) {
            gauges.forEach(registry::remove);
        }
        gauges.clear();
    }
}
