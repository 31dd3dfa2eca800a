package io.connectors.api.registry;

import io.connectors.api.authn.CallerCredentials;
import io.connectors.api.authn.CallerIdentity;
import io.connectors.api.authn.ClientAddress;
import io.connectors.api.authn.TokenReviewer;
import io.connectors.api.errors.GatewayError;
import io.connectors.api.request.Exchange;
import io.connectors.api.request.GatewayRoute;
import io.connectors.api.request.Stages;
import io.connectors.api.request.TrustedProxies;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Optional;

/**
 * Stage of the registry route: who is calling, the way registry clients say it. {@code GET /v2/}
 * answers whether the client is authenticated (401 with the gateway's challenge if not);
 * {@code GET /v2/token} takes Basic credentials (any user name, a Kubernetes token as password),
 * reviews the token and issues a short-lived gateway token; a Connector's registry route takes
 * that token ({@code Bearer}), or a Kubernetes token directly ({@code Bearer}, or Basic as password).
 */
@ApplicationScoped
public class RegistryAuthHandler implements Handler<RoutingContext> {

    private final TokenReviewer reviewer;
    private final GatewayRegistryTokens tokens;
    private final TrustedProxies trustedProxies;

    RegistryAuthHandler(TokenReviewer reviewer, GatewayRegistryTokens tokens, TrustedProxies trustedProxies) {
        this.reviewer = reviewer;
        this.tokens = tokens;
        this.trustedProxies = trustedProxies;
    }

    @Override
    public void handle(RoutingContext ctx) {
        Exchange exchange = Exchange.of(ctx);
        GatewayRoute route = exchange.route();
        String authorization = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (route instanceof GatewayRoute.RegistryTokenEndpoint) {
            String password = credentials(authorization).filter(CallerCredentials.Basic.class::isInstance)
                    .map(CallerCredentials::token).orElseThrow(() -> GatewayError.unauthorized(
                            "Unauthorized: log in with any user name and a Kubernetes token as the password"));
            Stages.then(ctx, review(ctx, password), identity -> {
                exchange.identity(identity);
                issue(ctx, tokens.issue(identity));
            });
            return;
        }
        Stages.then(ctx, identify(ctx, authorization), identity -> {
            exchange.identity(identity);
            if (route instanceof GatewayRoute.RegistryBase) {
                ctx.response().putHeader(RegistryErrors.API_VERSION_HEADER, RegistryErrors.API_VERSION)
                        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end("{}");
                return;
            }
            ctx.next();
        });
    }

    private Future<CallerIdentity> identify(RoutingContext ctx, String authorization) {
        CallerCredentials credentials = credentials(authorization).orElseThrow(() -> GatewayError.unauthorized(
                "Unauthorized: log in with any user name and a Kubernetes token as the password"));
        if (credentials instanceof CallerCredentials.Basic basic) {
            return review(ctx, basic.token());
        }
        String bearer = credentials.token();
        Optional<CallerIdentity> issued = tokens.identity(bearer);
        // Not one of ours (or expired): perhaps a Kubernetes token, as on the Connectors API.
        return issued.map(Future::succeededFuture).orElseGet(() -> review(ctx, bearer));
    }

    private Future<CallerIdentity> review(RoutingContext ctx, String kubernetesToken) {
        return Future.fromCompletionStage(
                reviewer.authenticate(kubernetesToken, ClientAddress.of(ctx.request(), trustedProxies.trusts(ctx.request()))),
                ctx.vertx().getOrCreateContext());
    }

    private static void issue(RoutingContext ctx, GatewayRegistryTokens.Issued issued) {
        JsonObject body = new JsonObject()
                .put("token", issued.token())
                .put("access_token", issued.token())
                .put("expires_in", issued.lifetime().toSeconds())
                .put("issued_at", Instant.now().toString());
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .end(body.toBuffer());
    }

    /** The caller's credentials, through the gateway's one parser; unusable ones are a 401. */
    private static Optional<CallerCredentials> credentials(String authorization) {
        try {
            return CallerCredentials.parse(authorization);
        } catch (CallerCredentials.Invalid invalid) {
            throw GatewayError.unauthorized("Unauthorized: " + invalid.getMessage());
        }
    }
}
