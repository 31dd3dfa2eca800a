package io.connectors.api.resolve;

import io.connectors.api.request.Exchange;
import io.connectors.api.request.GatewayRoute;
import io.connectors.api.request.GatewayRoute.ConnectorRef;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;

/**
 * Stage: the Connector, its class and its Secret from the informer caches (never the API
 * server). Only ever after the Connector's SAR; a Connector's OpenAPI document needs only the class.
 */
@Singleton
public class ResolveHandler implements Handler<RoutingContext> {

    private final ConnectorResolver resolver;

    ResolveHandler(ConnectorResolver resolver) {
        this.resolver = resolver;
    }

    @Override
    public void handle(RoutingContext ctx) {
        Exchange exchange = Exchange.of(ctx);
        GatewayRoute route = exchange.route();
        ConnectorRef connector = route.connector().orElse(null);
        if (connector != null && route.forwards()) {
            exchange.resolved(resolver.resolve(connector.namespace(), connector.name()));
        } else if (connector != null) {
            exchange.connectorClass(resolver.connectorClass(connector.namespace(), connector.name())
                    .getMetadata().getName());
        }
        ctx.next();
    }
}
