package io.connectors.api.authz;

import io.connectors.api.config.FeatureFlag;
import io.connectors.api.errors.GatewayError;
import io.connectors.api.request.Exchange;
import io.connectors.api.request.GatewayRoute;
import io.connectors.api.request.Stages;
import io.connectors.api.resolve.FeatureFlags;
import io.connectors.api.resolve.ResolvedConnector;
import io.connectors.api.route.RouteMatch;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;

/**
 * Stage, once the request is routed: the permission on the Connector's API while its flag is on
 * (spec §4.4: whole class, else the matched path template), then the write gate (§4.5: writes
 * only with write passthrough on). The verb of each request, WebSocket upgrades included, is
 * {@link MethodPolicy}'s.
 */
@Singleton
public class ApiAccessHandler implements Handler<RoutingContext> {

    private final ApiPermissions permissions;
    private final FeatureFlags flags;

    ApiAccessHandler(ApiPermissions permissions, FeatureFlags flags) {
        this.permissions = permissions;
        this.flags = flags;
    }

    @Override
    public void handle(RoutingContext ctx) {
        Exchange exchange = Exchange.of(ctx);
        GatewayRoute route = exchange.route();
        if (!route.forwards()) {
            ctx.next();
            return;
        }
        HttpServerRequest request = ctx.request();
        ResolvedConnector resolved = exchange.resolved();
        MethodPolicy.Request asked = MethodPolicy.Request.of(request, route.apiPath().orElseThrow(),
                resolved.connectorClass());
        String verb = MethodPolicy.verb(asked);
        Stages.then(ctx, permissions.require(exchange.identity(), resolved.namespace(), resolved.name(),
                resolved.className(), verb, exchange.match().map(RouteMatch::template)), allowed -> {
                    if (!verb.equals("get") && !flags.enabled(FeatureFlag.WRITE_PASSTHROUGH)) {
                        String what = asked.webSocket() ? "a WebSocket upgrade (a channel that can write)"
                                : "method " + request.method().name();
                        throw GatewayError.methodNotAllowed(what + " is not allowed: write passthrough is disabled");
                    }
                    ctx.next();
                });
    }
}
