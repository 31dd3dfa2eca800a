package io.connectors.api.forwardproxy;

import io.connectors.api.authn.ClientAddress;
import io.connectors.api.errors.ClosingConnections;
import io.connectors.api.errors.GatewayError;
import io.connectors.api.forward.ForwardPlan;
import io.connectors.api.request.Exchange;
import io.connectors.api.web.AdmissionHandler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;

/**
 * The forward proxy's first stage, as the API path's admission (the same id, access-log line with
 * {@code mode=forward}, message checks, upgrade and body limits), then what the request asks for:
 * {@code CONNECT host:port}, an absolute-form URL, or — on the tunnel server — an origin-form
 * request inside a tunnel, which goes to the tunnel's host over TLS. The caller comes from
 * {@code Proxy-Authorization} ({@link ProxyCaller}), or from the CONNECT that opened the tunnel.
 */
@Singleton
public class ProxyAdmission {

    private final AdmissionHandler admission;
    private final Tunnels tunnels;

    ProxyAdmission(AdmissionHandler admission, Tunnels tunnels) {
        this.admission = admission;
        this.tunnels = tunnels;
    }

    /** A request to the forward proxy's port. */
    public void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        if (!begin(ctx)) {
            return;
        }
        String clientAddress = ClientAddress.of(request, false);
        if (request.method() == HttpMethod.CONNECT) {
            ProxyTarget.Authority authority = ProxyTarget.Authority.parse(request.uri());
            ProxyRequest.connect(ctx, ProxyCaller.of(request.getHeader(HttpHeaders.PROXY_AUTHORIZATION)), clientAddress, authority);
        } else {
            ProxyTarget target = ProxyTarget.absolute(request.uri());
            admission.admitForwarding(request);
            ProxyRequest.forward(ctx, ProxyCaller.of(request.getHeader(HttpHeaders.PROXY_AUTHORIZATION)), clientAddress, target);
        }
        ctx.next();
    }

    /** A request read from inside a tunnel (the tunnel server's). */
    public void handleInTunnel(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        SocketAddress peer = request.connection().remoteAddress();
        Tunnels.Tunnel tunnel = peer == null ? null : tunnels.of(peer.port()).orElse(null);
        if (tunnel == null) {
            // Not one of the gateway's own tunnel connections: nothing is served on it.
            request.connection().close();
            return;
        }
        if (!begin(ctx)) {
            return;
        }
        if (request.method() == HttpMethod.CONNECT) {
            throw GatewayError.methodNotAllowed("CONNECT inside a CONNECT tunnel is not supported");
        }
        ProxyTarget target = ProxyTarget.inTunnel(tunnel.authority(), request.uri());
        admission.admitForwarding(request);
        ProxyRequest.forward(ctx, tunnel.caller(), tunnel.clientAddress(), target);
        ctx.next();
    }

    private boolean begin(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        // Nothing may read the body before the stages know where it goes.
        request.pause();
        if (ClosingConnections.contains(request.connection())) {
            return false;
        }
        Exchange exchange = admission.begin(ctx);
        exchange.mode(ForwardPlan.FORWARD);
        AdmissionHandler.admitMessage(ctx);
        return true;
    }
}
