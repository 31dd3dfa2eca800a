package io.connectors.api.web;

import io.connectors.api.authn.AuthenticationHandler;
import io.connectors.api.authz.ApiAccessHandler;
import io.connectors.api.authz.ConnectorAccessHandler;
import io.connectors.api.errors.FailureHandler;
import io.connectors.api.forward.ForwardHandler;
import io.connectors.api.resolve.ResolveHandler;
import io.connectors.api.route.RouteHandler;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Mounts the gateway on Quarkus's router as one chain of stage handlers, read top to bottom as a
 * request goes: admission → authenticate → authorize the Connector → resolve → route → authorize
 * the API (and the write gate) → forward, or answer (version, OpenAPI documents). Each stage ends
 * in {@code next()} or {@code fail(...)} (a stage that does not apply to the route just passes it
 * on); the one failure handler answers every failure with a Status. Ahead of Quarkus's own routes
 * and without a BodyHandler, so bodies stream.
 */
@ApplicationScoped
public class ConnectorsRouter {

    /** Before Quarkus's own routes, which would otherwise see /connectors paths first. */
    private static final int ORDER = -10_000;
    /**
     * Matched on Vert.x's normalized path; the admission stage then parses the raw path itself.
     * {@code /namespaces/…} is the upstream proxy's path form ({@link io.connectors.api.request.GatewayRoute.ConnectorProxyPath});
     * Quarkus serves nothing there (its own routes are under {@code /q/}).
     */
    private static final String PATHS = "/connectors(?:/.*)?|/namespaces/.*";

    void mount(@Observes Router router, AdmissionHandler admission, AuthenticationHandler authenticate,
            ConnectorAccessHandler authorizeConnector, ResolveHandler resolve, RouteHandler route,
            ApiAccessHandler authorizeApi, ForwardHandler forward, VersionHandler version, OpenApiHandler openApi,
            NamespaceOpenApiHandler namespaceOpenApi, FailureHandler failures) {
        router.routeWithRegex(PATHS).order(ORDER)
                .handler(admission)
                .handler(authenticate)
                .handler(authorizeConnector)
                .handler(resolve)
                .handler(route)
                .handler(authorizeApi)
                .handler(forward)
                .handler(version)
                .handler(openApi)
                .handler(namespaceOpenApi)
                .failureHandler(failures);
    }
}
