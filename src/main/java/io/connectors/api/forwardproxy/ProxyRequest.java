package io.connectors.api.forwardproxy;

import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * What the forward proxy's stages learn about one request besides the {@link io.connectors.api.request.Exchange}:
 * its caller, and either the {@code CONNECT} authority or the target; then the address it matched.
 */
final class ProxyRequest {

    private static final String KEY = ProxyRequest.class.getName();

    private final ProxyCaller caller;
    private final String clientAddress;
    private final ProxyTarget.Authority connect;
    private final ProxyTarget target;
    private ConnectorAddresses.Match match;

    private ProxyRequest(ProxyCaller caller, String clientAddress, ProxyTarget.Authority connect, ProxyTarget target) {
        this.caller = caller;
        this.clientAddress = clientAddress;
        this.connect = connect;
        this.target = target;
    }

    static ProxyRequest connect(RoutingContext ctx, ProxyCaller caller, String clientAddress, ProxyTarget.Authority authority) {
        return put(ctx, new ProxyRequest(caller, clientAddress, authority, null));
    }

    static ProxyRequest forward(RoutingContext ctx, ProxyCaller caller, String clientAddress, ProxyTarget target) {
        return put(ctx, new ProxyRequest(caller, clientAddress, null, target));
    }

    private static ProxyRequest put(RoutingContext ctx, ProxyRequest request) {
        ctx.put(KEY, request);
        return request;
    }

    static ProxyRequest of(RoutingContext ctx) {
        ProxyRequest request = ctx.get(KEY);
        if (request == null) {
            throw new IllegalStateException("no forward-proxy request: the admission stage did not run");
        }
        return request;
    }

    ProxyCaller caller() {
        return caller;
    }

    /** The caller's address as the TokenReview's failure count knows it (the tunnel's client inside one). */
    String clientAddress() {
        return clientAddress;
    }

    /** The authority of a CONNECT request; empty for a request to forward. */
    Optional<ProxyTarget.Authority> connect() {
        return Optional.ofNullable(connect);
    }

    ProxyTarget target() {
        if (target == null) {
            throw new IllegalStateException("a CONNECT request has no target");
        }
        return target;
    }

    ConnectorAddresses.Match match() {
        if (match == null) {
            throw new IllegalStateException("no address matched yet");
        }
        return match;
    }

    void match(ConnectorAddresses.Match match) {
        this.match = match;
    }
}
