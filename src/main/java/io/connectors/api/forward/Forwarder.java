package io.connectors.api.forward;

import io.connectors.api.config.ConnectorsConfig;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.RoutingContext;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.ProxyOptions;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Streams one request to its upstream with vertx-http-proxy: bodies are piped with back-pressure
 * both ways, nothing is buffered whole. Each request gets its own small proxy object carrying its
 * plan; connections are pooled in the shared {@link UpstreamClients}.
 */
@ApplicationScoped
public class Forwarder {

    // Upgrades are not tunnelled by vertx-http-proxy here: its WebSocket path would send the
    // gateway's own URI and the caller's headers upstream. WebSocketTunnel does it instead.
    private static final ProxyOptions PROXY_OPTIONS = new ProxyOptions().setSupportWebSocket(false);

    private final UpstreamClients clients;
    private final ConnectorsConfig.Proxy config;

    Forwarder(UpstreamClients clients, ConnectorsConfig config) {
        this.clients = clients;
        this.config = config.proxy();
    }

    public void forward(RoutingContext ctx, ForwardPlan plan) {
        HttpClient client = clients.client(plan.target(), plan.trust());
        RequestOptions origin = new RequestOptions()
                .setHost(plan.target().host())
                .setPort(plan.target().port())
                .setSsl(plan.target().tls())
                .setFollowRedirects(false)
                .setIdleTimeout(config.idleTimeout().toMillis());
        HttpProxy.reverseProxy(PROXY_OPTIONS, client)
                .origin(context -> client.request(origin))
                .addInterceptor(new ForwardingInterceptor(plan, config.trustForwardedHeaders(), config.passSetCookie()))
                .handle(ctx.request());
    }
}
