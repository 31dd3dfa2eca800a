package io.connectors.api.authn;

import io.connectors.api.request.Exchange;
import io.connectors.api.request.Stages;
import io.connectors.api.request.TrustedProxies;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;

/** Stage: who is calling — the bearer token through a (cached) TokenReview. Every route needs it. */
@Singleton
public class AuthenticationHandler implements Handler<RoutingContext> {

    private final TokenReviewer tokens;
    private final TrustedProxies trustedProxies;

    AuthenticationHandler(TokenReviewer tokens, TrustedProxies trustedProxies) {
        this.tokens = tokens;
        this.trustedProxies = trustedProxies;
    }

    @Override
    public void handle(RoutingContext ctx) {
        Exchange exchange = Exchange.of(ctx);
        String token = BearerToken.from(ctx.request().getHeader(HttpHeaders.AUTHORIZATION));
        Stages.then(ctx, tokens.authenticate(token, ClientAddress.of(ctx.request(), trustedProxies.trusts(ctx.request()))), identity -> {
            exchange.identity(identity);
            ctx.next();
        });
    }
}
