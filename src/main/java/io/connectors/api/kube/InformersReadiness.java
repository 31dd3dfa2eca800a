package io.connectors.api.kube;

import io.connectors.api.resolve.InformerCaches;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready only once every informer has listed its resources: before that, every Connector looks missing. */
@Readiness
@ApplicationScoped
public class InformersReadiness implements HealthCheck {

    private final InformerCaches caches;

    InformersReadiness(InformerCaches caches) {
        this.caches = caches;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("informers").status(caches.synced());
        caches.syncState().forEach(response::withData);
        return response.build();
    }
}
