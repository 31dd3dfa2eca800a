package io.connectors.api.forward;

import io.connectors.api.config.ConnectorsConfig;
import io.connectors.api.forward.registry.RegistryFlow;
import io.connectors.api.request.Exchange;
import io.connectors.api.request.Stages;
import io.connectors.api.request.WebSocketUpgrade;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.RoutingContext;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.ProxyOptions;
import jakarta.inject.Singleton;
import java.util.function.Supplier;

/**
 * Streams one request to its upstream with vertx-http-proxy: bodies are piped with back-pressure
 * both ways, nothing is buffered whole. Each request gets its own small proxy object carrying its
 * plan; connections are pooled per event loop in {@link UpstreamClients}.
 */
@Singleton
public class Forwarder {

    /**
     * The {@link io.connectors.api.errors.GatewayError} an exchange was answered with instead of the
     * upstream's answer (a ProxyContext attachment), so that a later interceptor may render it its own way.
     */
    public static final String GATEWAY_ERROR = "connectors.gateway-error";

    // Upgrades are not tunnelled by vertx-http-proxy here: its WebSocket path would send the
    // gateway's own URI and the caller's headers upstream. WebSocketTunnel does it instead, as a
    // call like any other (same place in the waiting line, headers, idle timeout, metrics).
    // An instance field, not a static one: no Vert.x object is created during native-image build-time init.
    private final ProxyOptions proxyOptions = new ProxyOptions().setSupportWebSocket(false);

    private final UpstreamClients clients;
    private final Destinations destinations;
    private final ConnectorsConfig.Proxy config;
    private final UpstreamMetrics metrics;
    private final WaitingLines waitingLines;
    private final UpstreamHeaders upstreamHeaders;
    private final WebSocketTunnel webSockets;
    private final RegistryFlow registries;

    Forwarder(UpstreamClients clients, Destinations destinations, WaitingLines waitingLines, ConnectorsConfig config,
            UpstreamMetrics metrics, UpstreamHeaders upstreamHeaders, WebSocketTunnel webSockets, RegistryFlow registries) {
        this.clients = clients;
        this.registries = registries;
        this.destinations = destinations;
        this.waitingLines = waitingLines;
        this.config = config.proxy();
        this.metrics = metrics;
        this.upstreamHeaders = upstreamHeaders;
        this.webSockets = webSockets;
    }

    public void forward(RoutingContext ctx, ForwardPlan plan) {
        // The destination is checked (after DNS) before the proxy exists: a refused one gets its
        // Status and nothing is sent. The inbound request stays paused meanwhile.
        Stages.then(ctx, destinations.resolve(plan.target(), plan.upstream()),
                destination -> proxy(ctx, plan, destination));
    }

    private void proxy(RoutingContext ctx, ForwardPlan plan, Destination destination) {
        Exchange exchange = Exchange.of(ctx);
        if (exchange.isOver() || ctx.response().closed()) {
            // The caller left while the destination was resolved: nobody to call the tool for.
            return;
        }
        // Leased for as long as the exchange lasts: a client that leaves the cache meanwhile is not closed under it.
        UpstreamClients.Lease lease = clients.lease(plan.target(), plan.trust());
        exchange.onEnd(completed -> lease.release());
        HttpClient client = lease.client();
        UpstreamCall call = new UpstreamCall(ctx.vertx(), config.idleTimeout(), plan.upstream());
        // Every route that forwards names its Connector: the share of the upstream's places it takes.
        String connector = exchange.namespace() + "/" + exchange.connector();
        RequestOptions origin = new RequestOptions()
                .setHost(plan.target().host())
                .setPort(plan.target().port())
                .setSsl(plan.target().tls())
                .setFollowRedirects(false)
                // Waiting for a turn is WaitingLines' business (pool-wait-timeout, then 503); once it
                // is this call's turn, only connecting can take time.
                .setConnectTimeout(config.connectTimeout().toMillis());
        destination.apply(origin);
        Supplier<Future<HttpClientRequest>> connection =
                () -> call.obtain(waitingLines, plan.target().origin(), connector, () -> client.request(origin));
        if (WebSocketUpgrade.isRequested(ctx.request())) {
            webSockets.open(ctx, plan, call, connection);
            return;
        }
        exchange.onEnd(call::finished);
        HttpProxy proxy = HttpProxy.reverseProxy(proxyOptions, client)
                .origin(context -> connection.get().onSuccess(connected -> call.continueIfExpected(ctx.request())))
                .addInterceptor(new ForwardingInterceptor(plan, upstreamHeaders, metrics, call, exchange));
        // Inside the forwarding interceptor: a registry token replaces what the plan set, and a
        // request sent twice (after a registry's challenge) is cleaned and counted as one.
        registries.interceptor(ctx, plan).ifPresent(proxy::addInterceptor);
        // Innermost: it sees the body as it is sent, and turns its own abort into a 413.
        config.maxRequestBytes().ifPresent(max -> proxy.addInterceptor(new RequestBodyLimit(max)));
        proxy.handle(ctx.request());
    }
}
