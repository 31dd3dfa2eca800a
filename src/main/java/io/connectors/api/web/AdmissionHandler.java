package io.connectors.api.web;

import io.connectors.api.config.ConnectorsConfig;
import io.connectors.api.errors.ClosingConnections;
import io.connectors.api.errors.GatewayError;
import io.connectors.api.forward.HeaderHygiene;
import io.connectors.api.request.Exchange;
import io.connectors.api.request.GatewayRoute;
import io.connectors.api.request.WebSocketUpgrade;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import java.util.OptionalLong;

/**
 * The first stage: gives the request its id and its access-log line, and refuses what is
 * malformed before anyone is asked anything — a path that is not canonicalisable (dot segments in
 * any spelling, ...), an upgrade other than WebSocket, a body larger than configured, a method
 * the route does not take, a message whose framing or header section is ambiguous.
 */
@Singleton
public class AdmissionHandler implements Handler<RoutingContext> {

    /** RFC 9110 token: what a header name is made of. */
    private static final java.util.regex.Pattern TOKEN = java.util.regex.Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    private static final String H2C = "h2c";

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
        if (ClosingConnections.contains(request.connection())) {
            // Pipelined behind a malformed or chunked message: never served; the connection closes
            // once the answer before it is written.
            return;
        }
        Exchange exchange = begin(ctx);
        admitMessage(ctx);
        GatewayRoute route = RequestPaths.parse(request.path());
        exchange.route(route);
        if (route instanceof GatewayRoute.ConnectorApi || route instanceof GatewayRoute.ConnectorProxyPath
                || route instanceof GatewayRoute.Registry) {
            admitForwarding(request);
        } else if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
            throw GatewayError.methodNotAllowed("only GET is supported here");
        }
        ctx.next();
    }

    /** The request's id and its end: the access-log line and whatever else hangs on the exchange's end. */
    public Exchange begin(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        Exchange exchange = Exchange.start(ctx, RequestIds.accept(request.getHeader(HeaderHygiene.REQUEST_ID)));
        ctx.response().putHeader(HeaderHygiene.REQUEST_ID, exchange.requestId());
        ctx.addEndHandler(done -> exchange.end(done.succeeded()));
        exchange.onEnd(completed -> accessLog.record(ctx, exchange, completed));
        return exchange;
    }

    /** What every message must be, whichever port and route it came to (the forward proxy's too). */
    public static void admitMessage(RoutingContext ctx) {
        refuseAmbiguousMessages(ctx.request());
        if (ctx.request().headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
            closeAfterTheAnswer(ctx);
        }
    }

    /** What a message that goes on to a tool must be besides: no upgrade but WebSocket's, no body over the limit. */
    public void admitForwarding(HttpServerRequest request) {
        refuseUpgrades(request);
        refuseOversizedBodies(request);
    }

    /**
     * What a proxy in front of the gateway and the gateway (or the gateway and the tool) could read
     * as different messages: a body framed by both Content-Length and Transfer-Encoding, a transfer
     * coding other than plain {@code chunked} (vertx-http-proxy refuses it too, but keeps the
     * connection, and serves what follows), Transfer-Encoding in HTTP/1.0, more than one Host, a
     * header without a name. 400, and the connection is closed (RFC 9112 §6.1), so that bytes
     * smuggled behind the message are never read as a request.
     */
    private static void refuseAmbiguousMessages(HttpServerRequest request) {
        MultiMap headers = request.headers();
        java.util.List<String> codings = headers.getAll(HttpHeaders.TRANSFER_ENCODING);
        if (!codings.isEmpty() && (headers.contains(HttpHeaders.CONTENT_LENGTH) || codings.size() > 1
                || !codings.get(0).trim().equals("chunked") || request.version() == HttpVersion.HTTP_1_0)) {
            throw GatewayError.malformedMessage("ambiguous message framing: Transfer-Encoding must be \"chunked\","
                    + " once, in HTTP/1.1, and without Content-Length");
        }
        if (headers.getAll(HttpHeaders.HOST).size() > 1) {
            throw GatewayError.malformedMessage("more than one Host header");
        }
        for (String name : headers.names()) {
            if (!TOKEN.matcher(name).matches()) {
                throw GatewayError.malformedMessage("a header name that is not an HTTP token");
            }
        }
    }

    /**
     * A chunked request ends its connection. Netty drops the Content-Length of a message that also
     * says {@code Transfer-Encoding: chunked} before anyone sees it, so a message framed both ways
     * (RFC 9112 §6.1: answer, then close) cannot be told from a plain chunked one: whatever follows
     * a chunked body on the connection (what a Content-Length-reading proxy in front would have
     * counted as body) is never read as a request.
     */
    private static void closeAfterTheAnswer(RoutingContext ctx) {
        ClosingConnections.add(ctx.request().connection());
        ctx.addHeadersEndHandler(v -> ctx.response().putHeader(HttpHeaders.CONNECTION, "close"));
        ctx.addEndHandler(v -> ctx.response().close());
    }

    /**
     * Only WebSocket upgrades are forwarded: any other (h2c, raw TCP) would tunnel past the gateway.
     * A cleartext HTTP/2 upgrade is declined, not refused (RFC 9110 §7.8 lets a server ignore
     * Upgrade): the request is served as HTTP/1.1, and Upgrade and HTTP2-Settings, hop-by-hop, never
     * reach the tool. Java's HttpClient asks for it on every http:// request by default.
     */
    private static void refuseUpgrades(HttpServerRequest request) {
        String upgrade = request.getHeader(HttpHeaders.UPGRADE);
        if (upgrade == null || WebSocketUpgrade.isRequested(request) || upgrade.trim().equalsIgnoreCase(H2C)) {
            return;
        }
        throw GatewayError.badRequest("only WebSocket upgrades are supported through the connectors API");
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
