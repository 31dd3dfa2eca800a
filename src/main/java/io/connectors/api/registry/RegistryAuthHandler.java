package io.connectors.api.registry;

import io.connectors.api.authn.CallerIdentity;
import io.connectors.api.authn.ClientAddress;
import io.connectors.api.authn.TokenReviewer;
import io.connectors.api.config.ConnectorsConfig;
import io.connectors.api.errors.GatewayError;
import io.connectors.api.request.Exchange;
import io.connectors.api.request.GatewayRoute;
import io.connectors.api.request.Stages;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
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
    private final boolean trustForwarded;

    RegistryAuthHandler(TokenReviewer reviewer, GatewayRegistryTokens tokens, ConnectorsConfig config) {
        this.reviewer = reviewer;
        this.tokens = tokens;
        this.trustForwarded = config.proxy().trustForwardedHeaders();
    }

    @Override
    public void handle(RoutingContext ctx) {
        Exchange exchange = Exchange.of(ctx);
        GatewayRoute route = exchange.route();
        String authorization = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (route instanceof GatewayRoute.RegistryTokenEndpoint) {
            String password = basicPassword(authorization).orElseThrow(() -> GatewayError.unauthorized(
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
        Optional<String> password = basicPassword(authorization);
        if (password.isPresent()) {
            return review(ctx, password.get());
        }
        String bearer = bearer(authorization).orElseThrow(() -> GatewayError.unauthorized(
                "Unauthorized: log in with any user name and a Kubernetes token as the password"));
        Optional<CallerIdentity> issued = tokens.identity(bearer);
        // Not one of ours (or expired): perhaps a Kubernetes token, as on the Connectors API.
        return issued.map(Future::succeededFuture).orElseGet(() -> review(ctx, bearer));
    }

    private Future<CallerIdentity> review(RoutingContext ctx, String kubernetesToken) {
        return Future.fromCompletionStage(
                reviewer.authenticate(kubernetesToken, ClientAddress.of(ctx.request(), trustForwarded)),
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

    /** The password of {@code Authorization: Basic base64(user:password)}, if that is what it is. */
    static Optional<String> basicPassword(String authorization) {
        Optional<String> credentials = credentials(authorization, "basic");
        if (credentials.isEmpty()) {
            return Optional.empty();
        }
        String pair;
        try {
            pair = new String(Base64.getDecoder().decode(credentials.get()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw GatewayError.unauthorized("Unauthorized: malformed Basic credentials");
        }
        int colon = pair.indexOf(':');
        String password = colon < 0 ? "" : pair.substring(colon + 1);
        if (password.isEmpty()) {
            throw GatewayError.unauthorized("Unauthorized: the password (a Kubernetes token) is empty");
        }
        return Optional.of(password);
    }

    static Optional<String> bearer(String authorization) {
        return credentials(authorization, "bearer");
    }

    private static Optional<String> credentials(String authorization, String scheme) {
        if (authorization == null) {
            return Optional.empty();
        }
        String value = authorization.trim();
        int space = value.indexOf(' ');
        if (space <= 0 || !value.substring(0, space).toLowerCase(Locale.ROOT).equals(scheme)) {
            return Optional.empty();
        }
        String rest = value.substring(space + 1).trim();
        return rest.isEmpty() ? Optional.empty() : Optional.of(rest);
    }
}
