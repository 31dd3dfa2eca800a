package io.connectors.api.forwardproxy;

import io.connectors.api.request.Exchange;
import io.connectors.api.request.Stages;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.impl.NetSocketInternal;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/**
 * Stage, for {@code CONNECT} (the caller authenticated, its Connectors allowed and one of their
 * https addresses on the requested host and port): a certificate for that host is ready, the
 * caller gets {@code 200}, and TLS is terminated on the caller's connection with it. The decrypted
 * bytes are piped, with back-pressure both ways, into a loopback connection to the tunnel server,
 * which reads the requests inside and runs each through the forward proxy's stages (the tunnel
 * known by that connection's port: {@link Tunnels}). Everything stays on the caller's event loop.
 */
@Singleton
public class ConnectTunnel {

    private static final Logger LOG = Logger.getLogger(ConnectTunnel.class);

    private final TunnelCertificates certificates;
    private final Tunnels tunnels;
    private volatile NetClient loopback;
    private volatile int tunnelServerPort;

    ConnectTunnel(TunnelCertificates certificates, Tunnels tunnels) {
        this.certificates = certificates;
        this.tunnels = tunnels;
    }

    /** Where decrypted tunnels go: set once the tunnel server listens. */
    void tunnelServer(NetClient loopback, int port) {
        this.loopback = loopback;
        this.tunnelServerPort = port;
    }

    public void handle(RoutingContext ctx) {
        ProxyRequest request = ProxyRequest.of(ctx);
        if (request.connect().isEmpty()) {
            ctx.next();
            return;
        }
        ProxyTarget.Authority authority = request.connect().get();
        Exchange exchange = Exchange.of(ctx);
        Stages.then(ctx, certificates.forHost(authority.host()), tls -> ctx.request().toNetSocket().onComplete(accepted -> {
            if (accepted.failed()) {
                // The caller went away before the 200: nothing to tunnel.
                exchange.end(false);
                return;
            }
            open((NetSocketInternal) accepted.result(), tls, new Tunnels.Tunnel(authority, request.caller(),
                    request.clientAddress()), exchange);
        }));
    }

    private void open(NetSocketInternal caller, SslContext tls, Tunnels.Tunnel tunnel, Exchange exchange) {
        caller.pause();
        SslHandler terminator = tls.newHandler(caller.channelHandlerContext().alloc());
        // First in the pipeline, as Vert.x's own upgradeToSsl puts it: the caller's bytes are
        // decrypted before the socket sees them, and what the socket writes is encrypted.
        caller.channelHandlerContext().pipeline().addFirst("connectors-tunnel-tls", terminator);
        loopback.connect(tunnelServerPort, "127.0.0.1").onComplete(connected -> {
            if (connected.failed()) {
                LOG.warnf("tunnel %s: the tunnel server did not accept (%s)", exchange.requestId(),
                        connected.cause().getClass().getSimpleName());
                caller.close();
                exchange.end(false);
                return;
            }
            NetSocket inner = connected.result();
            int port = inner.localAddress().port();
            // Registered before a byte is piped: the tunnel server knows the tunnel by its first request.
            tunnels.opened(port, tunnel);
            inner.closeHandler(closed -> {
                tunnels.closed(port);
                caller.close();
                exchange.end(true);
            });
            caller.closeHandler(closed -> inner.close());
            caller.exceptionHandler(failure -> caller.close());
            inner.exceptionHandler(failure -> inner.close());
            caller.pipeTo(inner);
            inner.pipeTo(caller);
        });
    }
}
