package io.connectors.api.forwardproxy;

import io.connectors.api.authn.CallerIdentity;
import io.connectors.api.authz.AccessCheck;
import io.connectors.api.authz.AccessReviewer;
import io.connectors.api.errors.GatewayError;
import io.connectors.api.request.Exchange;
import io.connectors.api.request.GatewayRoute;
import io.connectors.api.request.GatewayRoute.ConnectorRef;
import io.connectors.api.request.Stages;
import io.connectors.api.resolve.ConnectorResolver;
import io.connectors.api.resolve.ResolvedConnector;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Stage: may the caller {@code get} every Connector it named (the API path's SAR, before anything
 * is looked up), and which of them has the target among its addresses — the first one, in the
 * order named. A target that is none of their addresses is a {@code 403}: the forward proxy
 * reaches nothing but the named Connectors' tools. For {@code CONNECT}, one of their https
 * addresses must be on the requested host and port (each request inside is checked again).
 */
@Singleton
public class ProxyConnectorSelection {

    private final AccessReviewer access;
    private final ConnectorResolver resolver;

    ProxyConnectorSelection(AccessReviewer access, ConnectorResolver resolver) {
        this.access = access;
        this.resolver = resolver;
    }

    public void handle(RoutingContext ctx) {
        ProxyRequest request = ProxyRequest.of(ctx);
        Exchange exchange = Exchange.of(ctx);
        CallerIdentity identity = exchange.identity();
        CompletableFuture<Void> allowed = CompletableFuture.completedFuture(null);
        for (ConnectorRef connector : request.caller().connectors()) {
            allowed = allowed.thenCompose(previous -> access.require(identity,
                    AccessCheck.getConnector(connector.namespace(), connector.name())));
        }
        Stages.then(ctx, allowed, all -> {
            exchange.authorized();
            select(request, exchange);
            ctx.next();
        });
    }

    private void select(ProxyRequest request, Exchange exchange) {
        for (ConnectorRef connector : request.caller().connectors()) {
            ResolvedConnector resolved = resolver.resolve(connector.namespace(), connector.name());
            if (request.connect().isPresent()) {
                if (ConnectorAddresses.reachable(resolved, request.connect().get())) {
                    chosen(exchange, resolved, "");
                    return;
                }
                continue;
            }
            Optional<ConnectorAddresses.Match> match = ConnectorAddresses.match(resolved, request.target());
            if (match.isPresent()) {
                request.match(match.get());
                chosen(exchange, resolved, match.get().canonicalApiPath());
                return;
            }
        }
        throw GatewayError.forbidden(request.connect().isPresent()
                ? "CONNECT " + request.connect().get() + " leads to no https address of the Connectors named"
                        + " in Proxy-Authorization: this proxy reaches their tools only"
                : "the target is no address of the Connectors named in Proxy-Authorization (spec.address or"
                        + " an addressExtensions value: scheme, host, port and path prefix): this proxy reaches their tools only");
    }

    private static void chosen(Exchange exchange, ResolvedConnector resolved, String apiPath) {
        exchange.route(new GatewayRoute.ForwardProxy(resolved.namespace(), resolved.name(), apiPath));
        exchange.resolved(resolved);
    }
}
