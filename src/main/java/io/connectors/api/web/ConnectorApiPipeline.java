package io.connectors.api.web;

import io.connectors.api.authn.BearerToken;
import io.connectors.api.authn.CallerIdentity;
import io.connectors.api.authn.TokenReviewer;
import io.connectors.api.authz.AccessCheck;
import io.connectors.api.authz.AccessReviewer;
import io.connectors.api.authz.ApiPermissions;
import io.connectors.api.config.ConnectorsConfig;
import io.connectors.api.config.FeatureFlag;
import io.connectors.api.errors.GatewayError;
import io.connectors.api.errors.StatusResponder;
import io.connectors.api.forward.CustomApiPlanner;
import io.connectors.api.forward.ForwardPlan;
import io.connectors.api.forward.Forwarder;
import io.connectors.api.forward.WebSocketTunnel;
import io.connectors.api.forward.ProxyPlanner;
import io.connectors.api.resolve.ConnectorResolver;
import io.connectors.api.resolve.FeatureFlags;
import io.connectors.api.resolve.ResolvedConnector;
import io.connectors.api.route.RouteMatch;
import io.connectors.api.route.RouteTable;
import io.connectors.api.web.GatewayRoute.ConnectorApi;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
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
    private final WebSocketTunnel webSockets;
    private final ConnectorsConfig config;
    private final ApiPermissions apiPermissions;
    private final CustomApiPlanner customApiPlanner;

    ConnectorApiPipeline(TokenReviewer tokens, AccessReviewer access, ConnectorResolver resolver, FeatureFlags flags,
            RouteTable routes, ProxyPlanner proxyPlanner, Forwarder forwarder, ConnectorsConfig config,
            ApiPermissions apiPermissions, CustomApiPlanner customApiPlanner, WebSocketTunnel webSockets) {
        this.webSockets = webSockets;
        this.tokens = tokens;
        this.access = access;
        this.resolver = resolver;
        this.flags = flags;
        this.routes = routes;
        this.proxyPlanner = proxyPlanner;
        this.forwarder = forwarder;
        this.config = config;
        this.apiPermissions = apiPermissions;
        this.customApiPlanner = customApiPlanner;
    }

    /** Authenticates the caller; shared by every route under /connectors. */
    public Future<CallerIdentity> authenticate(RoutingContext ctx) {
        String token = BearerToken.from(ctx.request().getHeader(HttpHeaders.AUTHORIZATION));
        return onContext(ctx, tokens.authenticate(token)).onSuccess(identity -> Exchange.of(ctx).user(identity.username()));
    }

    /** Authenticates, then checks {@code get} on the Connector: before anything is looked up. */
    public Future<CallerIdentity> authorizeConnector(RoutingContext ctx, String namespace, String name) {
        Exchange.of(ctx).connector(namespace, name);
        return authenticate(ctx).compose(identity -> requireConnector(ctx, identity, namespace, name));
    }

    private Future<CallerIdentity> requireConnector(RoutingContext ctx, CallerIdentity identity, String namespace,
            String name) {
        return onContext(ctx, access.require(identity, AccessCheck.getConnector(namespace, name))).map(allowed -> {
            // From here on the request's namespace and class may label metrics (AccessLog).
            Exchange.of(ctx).authorized();
            return identity;
        });
    }

    void handle(RoutingContext ctx, ConnectorApi route) {
        HttpServerRequest request = ctx.request();
        Exchange exchange = Exchange.of(ctx);
        exchange.connector(route.namespace(), route.name());
        authenticate(ctx)
                .compose(identity -> {
                    // Malformed requests are refused before any permission check (a traversal
                    // checked after a path-template permission would be a bypass).
                    PathSafety.check(route.rawApiPath());
                    refuseUpgrades(request);
                    refuseOversizedBodies(request);
                    return requireConnector(ctx, identity, route.namespace(), route.name());
                })
                .map(identity -> resolveAndMatch(ctx, identity, route.namespace(), route.name(), request.method(),
                        route.rawApiPath()))
                .compose(routed -> authorizeApi(ctx, routed, request.method(), route.rawApiPath()))
                .map(routed -> {
                    if (MethodPolicy.isWrite(request.method(), route.rawApiPath())
                            && !flags.enabled(FeatureFlag.WRITE_PASSTHROUGH)) {
                        throw GatewayError.methodNotAllowed("method " + request.method().name()
                                + " is not allowed: write passthrough is disabled");
                    }
                    return plan(exchange, routed, route.rawApiPath(), request.query());
                })
                .onSuccess(plan -> {
                    if (WebSocketTunnel.isWebSocketUpgrade(request)) {
                        webSockets.open(ctx, plan);
                    } else {
                        forwarder.forward(ctx, plan);
                    }
                })
                .onFailure(failure -> StatusResponder.respond(ctx, failure));
    }

    /** Looks the Connector up and matches its class's OpenAPI routes; only ever after the Connector's SAR. */
    RoutedRequest resolveAndMatch(RoutingContext ctx, CallerIdentity identity, String namespace, String name,
            HttpMethod method, String rawApiPath) {
        Exchange exchange = Exchange.of(ctx);
        ResolvedConnector resolved = resolver.resolve(namespace, name);
        exchange.connectorClass(resolved.className());
        Optional<RouteMatch> match = routes.match(resolved.className(), method, rawApiPath);
        match.ifPresent(m -> exchange.template(m.template()));
        return new RoutedRequest(identity, resolved, match);
    }

    /** The permission on the Connector's API, whole class or matched path (spec §4.4), while its flag is on. */
    Future<RoutedRequest> authorizeApi(RoutingContext ctx, RoutedRequest routed, HttpMethod method, String rawApiPath) {
        ResolvedConnector resolved = routed.resolved();
        return onContext(ctx, apiPermissions.require(routed.identity(), resolved.namespace(), resolved.name(),
                resolved.className(), MethodPolicy.verb(method, rawApiPath), routed.match().map(RouteMatch::template)))
                .map(routed);
    }

    private ForwardPlan plan(Exchange exchange, RoutedRequest routed, String rawApiPath, String rawQuery) {
        if (routed.isCustomApi()) {
            exchange.mode("api");
            return customApiPlanner.plan(routed.resolved(), rawApiPath, rawQuery, exchange.requestId());
        }
        exchange.mode("proxy");
        return proxyPlanner.plan(routed.resolved(), routed.match(), rawApiPath, rawQuery, exchange.requestId());
    }

    /** Only WebSocket upgrades are forwarded: any other (h2c, raw TCP) would tunnel past the gateway. */
    static void refuseUpgrades(HttpServerRequest request) {
        if (request.headers().contains(HttpHeaders.UPGRADE) && !WebSocketTunnel.isWebSocketUpgrade(request)) {
            throw GatewayError.badRequest("only WebSocket upgrades are supported through the connectors API");
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
