package io.connectors.api.forwardproxy;

import io.connectors.api.authz.AccessCheck;
import io.connectors.api.authz.AccessReviewer;
import io.connectors.api.authz.MethodPolicy;
import io.connectors.api.config.FeatureFlag;
import io.connectors.api.request.Exchange;
import io.connectors.api.request.Stages;
import io.connectors.api.resolve.FeatureFlags;
import io.connectors.api.resolve.ResolvedConnector;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;

/**
 * Stage, while the flag {@code enable-connector-proxy-permissions} is on: the caller may also
 * {@code <verb>} the chosen Connector's {@code connectors/proxy} subresource (the verb the API path's
 * method policy maps the request to). Off, {@code get} on the Connector is enough, as on the API path.
 */
@Singleton
public class ProxyPermission {

    private final AccessReviewer access;
    private final FeatureFlags flags;

    ProxyPermission(AccessReviewer access, FeatureFlags flags) {
        this.access = access;
        this.flags = flags;
    }

    public void handle(RoutingContext ctx) {
        if (!flags.enabled(FeatureFlag.PROXY_PERMISSIONS)) {
            ctx.next();
            return;
        }
        Exchange exchange = Exchange.of(ctx);
        HttpServerRequest request = ctx.request();
        ResolvedConnector resolved = exchange.resolved();
        String verb = MethodPolicy.verb(MethodPolicy.Request.of(request, exchange.route().apiPath().orElseThrow(),
                resolved.connectorClass()));
        Stages.then(ctx, access.require(exchange.identity(), AccessCheck.connectorProxy(verb, resolved.namespace(),
                resolved.name())), allowed -> ctx.next());
    }
}
