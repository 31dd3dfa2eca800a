package io.connectors.api.route;

import io.vertx.core.http.HttpMethod;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/** Placeholder until the compiled OpenAPI table lands: every request is proxied. */
@ApplicationScoped
public class RouteTable {

    public Optional<RouteMatch> match(String className, HttpMethod method, String rawApiPath) {
        return Optional.empty();
    }
}
