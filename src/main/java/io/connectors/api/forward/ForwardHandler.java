package io.connectors.api.forward;

import io.connectors.api.request.Exchange;
import io.connectors.api.request.GatewayRoute;
import io.connectors.api.route.ProviderType;
import io.connectors.api.route.RouteMatch;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;

/**
 * The last stage of the routes that forward: plans the call (the tool with the Connector's
 * credentials, or the class's custom API with the X-Plugin headers) and streams it. The path
 * sent is the canonical one that was routed and authorised, never another spelling.
 */
@Singleton
public class ForwardHandler implements Handler<RoutingContext> {

    private final ProxyPlanner proxyPlanner;
    private final CustomApiPlanner customApiPlanner;
    private final Forwarder forwarder;

    ForwardHandler(ProxyPlanner proxyPlanner, CustomApiPlanner customApiPlanner, Forwarder forwarder) {
        this.proxyPlanner = proxyPlanner;
        this.customApiPlanner = customApiPlanner;
        this.forwarder = forwarder;
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
        String apiPath = route.apiPath().orElseThrow();
        ForwardPlan plan = toCustomApi(route, exchange)
                ? customApiPlanner.plan(exchange.resolved(), apiPath, request.query(), exchange.requestId())
                : proxyPlanner.plan(exchange.resolved(), exchange.match(), apiPath, request.query(), exchange.requestId());
        exchange.mode(plan.mode());
        forwarder.forward(ctx, plan);
    }

    /** The legacy route always calls the custom API; otherwise only operations marked {@code x-provider-type: api}. */
    private static boolean toCustomApi(GatewayRoute route, Exchange exchange) {
        return route instanceof GatewayRoute.LegacyResource
                || exchange.match().map(RouteMatch::providerType).orElse(ProviderType.PROXY) == ProviderType.API;
    }
}
