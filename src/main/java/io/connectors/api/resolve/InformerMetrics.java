package io.connectors.api.resolve;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The gauge {@code connectors.informer.objects} (Prometheus: {@code connectors_informer_objects}),
 * one series per {@code resource} of {@link InformerCaches#sizes()}: how many objects this replica
 * holds in memory. Read when scraped.
 */
@ApplicationScoped
public class InformerMetrics {

    static final String NAME = "connectors.informer.objects";

    void register(@Observes StartupEvent event, InformerCaches caches, MeterRegistry registry) {
        for (String resource : caches.sizes().keySet()) {
            Gauge.builder(NAME, caches, c -> c.sizes().getOrDefault(resource, 0))
                    .description("Objects held by this replica's informer caches")
                    .tag("resource", resource)
                    .strongReference(true)
                    .register(registry);
        }
    }
}
