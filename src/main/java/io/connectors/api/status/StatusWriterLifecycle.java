package io.connectors.api.status;

import io.connectors.api.apiref.ApiSpecs;
import io.connectors.api.apiref.ReferencedObjects;
import io.connectors.api.config.ConnectorsConfig;
import io.connectors.api.forward.ApiAddressResolver;
import io.connectors.api.resolve.InformerCaches;
import io.connectors.api.route.RouteTable;
import io.connectors.api.web.PublicUrl;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.UUID;

/** Runs this replica's {@link StatusWriter} when {@code connectors.status-writer.enabled} is true. */
@ApplicationScoped
public class StatusWriterLifecycle {

    private final ConnectorsConfig config;
    private final KubernetesClient client;
    private final InformerCaches caches;
    private final RouteTable routes;
    private final ApiAddressResolver addresses;
    private final ReferencedObjects referenced;
    private final ApiSpecs specs;
    private final PublicUrl publicUrl;
    private StatusWriter writer;

    StatusWriterLifecycle(ConnectorsConfig config, KubernetesClient client, InformerCaches caches, RouteTable routes,
            ApiAddressResolver addresses, ReferencedObjects referenced, ApiSpecs specs, PublicUrl publicUrl) {
        this.publicUrl = publicUrl;
        this.referenced = referenced;
        this.specs = specs;
        this.config = config;
        this.client = client;
        this.caches = caches;
        this.routes = routes;
        this.addresses = addresses;
    }

    void start(@Observes StartupEvent event) {
        if (!config.statusWriter().enabled()) {
            return;
        }
        // Pod name when there is one, made unique so that a restarted pod never reuses a live identity.
        String identity = StatusWriter.hostname().orElse("connectors-api") + "-" + UUID.randomUUID().toString().substring(0, 8);
        writer = new StatusWriter(client, caches, routes, addresses, referenced, specs, publicUrl.configured(), identity,
                config.systemNamespace(),
                config.statusWriter().leaseName(), config.statusWriter().resync());
        writer.start();
    }

    void stop(@Observes ShutdownEvent event) {
        if (writer != null) {
            writer.stop();
        }
    }
}
