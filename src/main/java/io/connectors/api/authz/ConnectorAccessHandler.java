package io.connectors.api.authz;

import io.connectors.api.request.Exchange;
import io.connectors.api.request.GatewayRoute.ConnectorRef;
import io.connectors.api.request.Stages;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import java.util.Optional;

/**
 * Stage: may the caller {@code get} the Connector the path names? Asked before anything is looked
 * up, so that a caller without access cannot tell whether the Connector exists (spec §4.3).
 */
@Singleton
public class ConnectorAccessHandler implements Handler<RoutingContext> {

    private final AccessReviewer access;

    ConnectorAccessHandler(AccessReviewer access) {
        this.access = access;
    }

    @Override
    public void handle(RoutingContext ctx) {
        Exchange exchange = Exchange.of(ctx);
        Optional<ConnectorRef> connector = exchange.route().connector();
        if (connector.isEmpty()) {
            ctx.next();
            return;
        }
        AccessCheck check = AccessCheck.getConnector(connector.get().namespace(), connector.get().name());
        Stages.then(ctx, access.require(exchange.identity(), check), allowed -> {
            exchange.authorized();
            ctx.next();
        });
    }
}
