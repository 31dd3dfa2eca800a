package io.connectors.api.route;

import com.fasterxml.jackson.databind.JsonNode;
import io.connectors.api.apiref.ApiSpecs;
import io.connectors.api.model.ConnectorClass;
import io.connectors.api.resolve.ClassOpenApiViews;
import io.connectors.api.resolve.InformerCaches;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.http.HttpMethod;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Collection;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Which OpenAPI operation of a class a request is, from routes compiled when the informer reports
 * a ConnectorClass change, never per request. Only classes whose document changed are compiled
 * again, and a request sees either the whole old table or the whole new one.
 */
@ApplicationScoped
public class RouteTable {

    private static final Logger LOG = Logger.getLogger(RouteTable.class);

    private final ClassOpenApiViews<ClassRoutes> compiled = new ClassOpenApiViews<>(RouteTable::compile);

    void follow(@Observes StartupEvent event, InformerCaches caches, ApiSpecs specs) {
        // Fetched documents of class APIs that publish their own: their paths are routes too.
        compiled.documents(specs);
        specs.onChanged(() -> compiled.refresh(caches.connectorClasses()));
        compiled.follow(caches);
    }

    public Optional<RouteMatch> match(String className, HttpMethod method, String rawApiPath) {
        return compiled.get(className).flatMap(routes -> routes.match(method, rawApiPath));
    }

    /** Why the class's OpenAPI paths could not be compiled (and so all its requests are proxied), if they could not. */
    public Optional<String> problem(String className) {
        return compiled.get(className).flatMap(ClassRoutes::problem);
    }

    /** Brings the table in line with these classes, the informer's whole store. */
    public void refresh(Collection<ConnectorClass> classes) {
        compiled.refresh(classes);
    }

    // Runs once per distinct document of a class, so the problem is logged once, not per request.
    private static ClassRoutes compile(String className, JsonNode openapi) {
        ClassRoutes routes = ClassRoutes.compile(openapi);
        routes.problem().ifPresent(problem -> LOG.warnf(
                "connectorclass %s: its OpenAPI document has no usable routes, all its requests are proxied: %s",
                className, problem));
        return routes;
    }
}
