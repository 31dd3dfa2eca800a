package io.connectors.api.web;

import io.connectors.api.authn.BearerToken;
import io.connectors.api.authn.CallerIdentity;
import io.connectors.api.authn.TokenReviewer;
import io.connectors.api.authz.AccessCheck;
import io.connectors.api.authz.AccessReviewer;
import io.connectors.api.config.ConnectorsConfig;
import io.connectors.api.config.FeatureFlag;
import io.connectors.api.errors.GatewayError;
import io.connectors.api.errors.StatusResponder;
import io.connectors.api.forward.Forwarder;
import io.connectors.api.forward.ProxyPlanner;
import io.connectors.api.resolve.ConnectorResolver;
import io.connectors.api.resolve.FeatureFlags;
import io.connectors.api.resolve.ResolvedConnector;
import io.connectors.api.route.RouteMatch;
import io.connectors.api.route.RouteTable;
import io.connectors.api.web.GatewayRoute.ConnectorApi;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The Connectors API, stage by stage: authenticate → authorize (before any lookup) → resolve
 * from the caches → write gate → route → forward. Review calls are asynchronous; every other
 * stage reads memory, so the whole pipeline runs on the request's event loop.
 */
@ApplicationScoped
public class ConnectorApiPipeline {

    private final TokenReviewer tokens;
    private final AccessReviewer access;
    private final ConnectorResolver resolver;
    private final FeatureFlags flags;
    private final RouteTable routes;
    private final ProxyPlanner proxyPlanner;
    private final Forwarder forwarder;
    private final ConnectorsConfig config;

    ConnectorApiPipeline(TokenReviewer tokens, AccessReviewer access, ConnectorResolver resolver, FeatureFlags flags,
            RouteTable routes, ProxyPlanner proxyPlanner, Forwarder forwarder, ConnectorsConfig config) {
        this.tokens = tokens;
        this.access = access;
        this.resolver = resolver;
        this.flags = flags;
        this.routes = routes;
        this.proxyPlanner = proxyPlanner;
        this.forwarder = forwarder;
        this.config = config;
    }

    /** Authenticates the caller; shared by every route under /connectors. */
    public Future<CallerIdentity> authenticate(RoutingContext ctx) {
        String token = BearerToken.from(ctx.request().getHeader(HttpHeaders.AUTHORIZATION));
        return onContext(ctx, tokens.authenticate(token)).onSuccess(identity -> Exchange.of(ctx).user(identity.username()));
    }

    /** Authenticates, then checks {@code get} on the Connector: before anything is looked up. */
    public Future<CallerIdentity> authorizeConnector(RoutingContext ctx, String namespace, String name) {
        Exchange.of(ctx).connector(namespace, name);
        return authenticate(ctx).compose(identity ->
                onContext(ctx, access.require(identity, AccessCheck.getConnector(namespace, name))).map(identity));
    }

    void handle(RoutingContext ctx, ConnectorApi route) {
        HttpServerRequest request = ctx.request();
        Exchange exchange = Exchange.of(ctx);
        exchange.connector(route.namespace(), route.name());
        authenticate(ctx)
                .compose(identity -> {
                    PathSafety.check(route.rawApiPath());
                    refuseUpgrades(request);
                    refuseOversizedBodies(request);
                    return onContext(ctx, access.require(identity, AccessCheck.getConnector(route.namespace(), route.name())))
                            .map(identity);
                })
                .map(identity -> {
                    ResolvedConnector resolved = resolver.resolve(route.namespace(), route.name());
                    exchange.connectorClass(resolved.className());
                    Optional<RouteMatch> match = routes.match(resolved.className(), request.method(), route.rawApiPath());
                    match.ifPresent(m -> exchange.template(m.template()));
                    if (MethodPolicy.isWrite(request.method(), route.rawApiPath())
                            && !flags.enabled(FeatureFlag.WRITE_PASSTHROUGH)) {
                        throw GatewayError.methodNotAllowed("method " + request.method().name()
                                + " is not allowed: write passthrough is disabled");
                    }
                    exchange.mode("proxy");
                    return proxyPlanner.plan(resolved, match, route.rawApiPath(), request.query(), exchange.requestId());
                })
                .onSuccess(plan -> forwarder.forward(ctx, plan))
                .onFailure(failure -> StatusResponder.respond(ctx, failure));
    }

    private static void refuseUpgrades(HttpServerRequest request) {
        if (request.headers().contains(HttpHeaders.UPGRADE)) {
            throw GatewayError.badRequest("protocol upgrades are not supported through the connectors API");
        }
    }

    private void refuseOversizedBodies(HttpServerRequest request) {
        if (config.proxy().maxRequestBytes().isEmpty()) {
            return;
        }
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        try {
            if (length != null && Long.parseLong(length.trim()) > config.proxy().maxRequestBytes().getAsLong()) {
                throw GatewayError.payloadTooLarge("the request body is larger than this gateway accepts");
            }
        } catch (NumberFormatException e) {
            throw GatewayError.badRequest("invalid Content-Length");
        }
    }

    /** Brings an async result back onto the request's own context before the next stage runs. */
    static <T> Future<T> onContext(RoutingContext ctx, CompletionStage<T> stage) {
        return Future.fromCompletionStage(stage, ctx.vertx().getOrCreateContext());
    }
}
