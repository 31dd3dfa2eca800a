package io.connectors.api.web;

import io.connectors.api.config.ConnectorsConfig;
import io.connectors.api.errors.GatewayError;
import io.connectors.api.forward.HeaderHygiene;
import io.connectors.api.forward.WebSocketTunnel;
import io.connectors.api.request.Exchange;
import io.connectors.api.request.GatewayRoute;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.OptionalLong;

/**
 * The first stage: gives the request its id and its access-log line, and refuses what is
 * malformed before anyone is asked anything — a path that is not canonicalisable (dot segments in
 * any spelling, ...), an upgrade other than WebSocket, a body larger than configured, a method
 * the route does not take.
 */
@ApplicationScoped
public class AdmissionHandler implements Handler<RoutingContext> {

    private final AccessLog accessLog;
    private final OptionalLong maxRequestBytes;

    AdmissionHandler(AccessLog accessLog, ConnectorsConfig config) {
        this.accessLog = accessLog;
        this.maxRequestBytes = config.proxy().maxRequestBytes();
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        // Nothing may read the body before the stages know where it goes.
        request.pause();
        Exchange exchange = Exchange.start(ctx, RequestIds.accept(request.getHeader(HeaderHygiene.REQUEST_ID)));
        ctx.response().putHeader(HeaderHygiene.REQUEST_ID, exchange.requestId());
        ctx.addEndHandler(done -> accessLog.record(ctx, exchange, done.succeeded()));
        GatewayRoute route = RequestPaths.parse(request.path());
        exchange.route(route);
        if (route instanceof GatewayRoute.ConnectorApi) {
            refuseUpgrades(request);
            refuseOversizedBodies(request);
        } else if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
            throw GatewayError.methodNotAllowed("only GET is supported here");
        }
        ctx.next();
    }

    /** Only WebSocket upgrades are forwarded: any other (h2c, raw TCP) would tunnel past the gateway. */
    private static void refuseUpgrades(HttpServerRequest request) {
        if (request.headers().contains(HttpHeaders.UPGRADE) && !WebSocketTunnel.isWebSocketUpgrade(request)) {
            throw GatewayError.badRequest("only WebSocket upgrades are supported through the connectors API");
        }
    }

    private void refuseOversizedBodies(HttpServerRequest request) {
        if (maxRequestBytes.isEmpty()) {
            return;
        }
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        try {
            if (length != null && Long.parseLong(length.trim()) > maxRequestBytes.getAsLong()) {
                throw GatewayError.payloadTooLarge("the request body is larger than this gateway accepts");
            }
        } catch (NumberFormatException e) {
            throw GatewayError.badRequest("invalid Content-Length");
        }
    }
}
