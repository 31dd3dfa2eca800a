package io.connectors.api.route;

import io.connectors.api.request.Exchange;
import io.connectors.api.request.GatewayRoute;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;

/** Stage: which OpenAPI operation of the Connector's class the request is, if any (its canonical path). */
@Singleton
public class RouteHandler implements Handler<RoutingContext> {

    private final RouteTable routes;

    RouteHandler(RouteTable routes) {
        this.routes = routes;
    }

    @Override
    public void handle(RoutingContext ctx) {
        Exchange exchange = Exchange.of(ctx);
        GatewayRoute route = exchange.route();
        if (route.forwards()) {
            exchange.match(routes.match(exchange.resolved().className(), ctx.request().method(),
                    route.apiPath().orElseThrow()));
        }
        ctx.next();
    }
}
