package io.connectors.api.forwardproxy;

import io.connectors.api.authn.TokenReviewer;
import io.connectors.api.errors.GatewayError;
import io.connectors.api.errors.StatusResponder;
import io.connectors.api.request.Exchange;
import io.connectors.api.request.Stages;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import java.util.concurrent.CompletableFuture;

/**
 * Stage: the forward proxy's caller, by the same (cached) TokenReview as the API path. A token
 * the API server does not accept is the proxy's {@code 407}, not a {@code 401}: the client's proxy
 * credentials are what is wrong.
 */
@Singleton
public class ProxyAuthentication {

    private final TokenReviewer tokens;

    ProxyAuthentication(TokenReviewer tokens) {
        this.tokens = tokens;
    }

    public void handle(RoutingContext ctx) {
        ProxyRequest request = ProxyRequest.of(ctx);
        Exchange exchange = Exchange.of(ctx);
        CompletableFuture<io.connectors.api.authn.CallerIdentity> reviewed = tokens
                .authenticate(request.caller().token(), request.clientAddress())
                .exceptionally(failure -> {
                    GatewayError error = StatusResponder.asGatewayError(failure);
                    throw error.code() == 401 ? GatewayError.proxyAuthenticationRequired(error.getMessage()) : error;
                });
        Stages.then(ctx, reviewed, identity -> {
            exchange.identity(identity);
            ctx.next();
        });
    }
}
