package io.connectors.api.authn;

import io.connectors.api.errors.GatewayError;
import io.connectors.api.request.Exchange;
import io.connectors.api.request.Stages;
import io.connectors.api.request.TrustedProxies;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;

/** Stage: who is calling — the caller's Kubernetes token (Bearer, or Basic's password) through a (cached) TokenReview. */
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
        String token = kubernetesToken(ctx.request().getHeader(HttpHeaders.AUTHORIZATION));
        Stages.then(ctx, tokens.authenticate(token, ClientAddress.of(ctx.request(), trustedProxies.trusts(ctx.request()))), identity -> {
            exchange.identity(identity);
            ctx.next();
        });
    }

    /** The Kubernetes token of an {@code Authorization} header: Bearer, or Basic with the token as password. */
    public static String kubernetesToken(String authorization) {
        try {
            return CallerCredentials.parse(authorization).map(CallerCredentials::token).orElseThrow(
                    () -> GatewayError.unauthorized("Unauthorized: a Kubernetes token is required (Bearer, or Basic as the password)"));
        } catch (CallerCredentials.Invalid invalid) {
            throw GatewayError.unauthorized("Unauthorized: " + invalid.getMessage());
        }
    }
}
