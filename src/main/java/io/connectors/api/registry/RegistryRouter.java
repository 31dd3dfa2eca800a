package io.connectors.api.registry;

import io.connectors.api.authz.ApiAccessHandler;
import io.connectors.api.authz.ConnectorAccessHandler;
import io.connectors.api.forward.ForwardHandler;
import io.connectors.api.resolve.ResolveHandler;
import io.connectors.api.route.RouteHandler;
import io.connectors.api.web.AdmissionHandler;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Mounts the registry route {@code /v2/…} for registry clients (docker, podman, skopeo, crane,
 * containerd): the same stages as the Connectors API, except that callers authenticate the way
 * registry clients do ({@link RegistryAuthHandler}) and failures are answered in the registry's
 * error format ({@link RegistryFailureHandler}). A Connector's {@code /v2/namespaces/{ns}/connectors/{name}/<repo>/…}
 * is authorised like its Connectors API (get on the Connector; writes only with write
 * passthrough) and forwarded to the registry's {@code /v2/<repo>/…}.
 */
@ApplicationScoped
public class RegistryRouter {

    /** Before Quarkus's own routes, like the Connectors API's. */
    private static final int ORDER = -9_999;
    private static final String PATHS = "/v2(?:/.*)?";

    void mount(@Observes Router router, AdmissionHandler admission, RegistryAuthHandler authenticate,
            ConnectorAccessHandler authorizeConnector, ResolveHandler resolve, RouteHandler route,
            ApiAccessHandler authorizeApi, ForwardHandler forward, RegistryFailureHandler failures) {
        router.routeWithRegex(PATHS).order(ORDER)
                .handler(admission)
                .handler(authenticate)
                .handler(authorizeConnector)
                .handler(resolve)
                .handler(route)
                .handler(authorizeApi)
                .handler(forward)
                .failureHandler(failures);
    }
}
