package io.connectors.api.forward;

import io.connectors.api.config.ConnectorsConfig;
import io.connectors.api.forward.registry.RegistryFlow;
import io.connectors.api.request.Exchange;
import io.connectors.api.request.Stages;
import io.connectors.api.request.TrustedProxies;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.RoutingContext;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.ProxyOptions;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

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
    // gateway's own URI and the caller's headers upstream. WebSocketTunnel does it instead.
    // An instance field, not a static one: no Vert.x object is created during native-image build-time init.
    private final ProxyOptions proxyOptions = new ProxyOptions().setSupportWebSocket(false);

    private final UpstreamClients clients;
    private final Destinations destinations;
    private final ConnectorsConfig.Proxy config;
    private final UpstreamMetrics metrics;
    private final WaitingLines waitingLines;
    private final boolean tracing;
    private final HeaderHygiene.Denied denied;
    private final TrustedProxies trustedProxies;
    private final RegistryFlow registries;

    Forwarder(UpstreamClients clients, Destinations destinations, WaitingLines waitingLines, ConnectorsConfig config,
            MeterRegistry registry, @ConfigProperty(name = "quarkus.otel.sdk.disabled", defaultValue = "true") boolean tracingDisabled,
            TrustedProxies trustedProxies, RegistryFlow registries) {
        this.trustedProxies = trustedProxies;
        this.clients = clients;
        this.registries = registries;
        this.destinations = destinations;
        this.waitingLines = waitingLines;
        this.config = config.proxy();
        this.metrics = new UpstreamMetrics(registry);
        // With tracing on, Quarkus's Vert.x tracer injects the trace context into the upstream
        // request (a child of the caller's trace, if any); the caller's own headers must not go too.
        this.tracing = !tracingDisabled;
        this.denied = HeaderHygiene.Denied.of(this.config.stripRequestHeaders().orElse(java.util.List.of()));
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
        HttpClient client = clients.client(plan.target(), plan.trust());
        UpstreamCall call = new UpstreamCall(ctx.vertx(), config.idleTimeout(), plan.upstream());
        exchange.onEnd(call::finished);
        RequestOptions origin = new RequestOptions()
                .setHost(plan.target().host())
                .setPort(plan.target().port())
                .setSsl(plan.target().tls())
                .setFollowRedirects(false)
                // Waiting for a turn is WaitingLines' business (pool-wait-timeout, then 503); once it
                // is this call's turn, only connecting can take time.
                .setConnectTimeout(config.connectTimeout().toMillis());
        destination.apply(origin);
        HttpProxy proxy = HttpProxy.reverseProxy(proxyOptions, client)
                .origin(context -> call.obtain(waitingLines, plan.target().origin(), () -> client.request(origin))
                        .onSuccess(connected -> call.continueIfExpected(ctx.request())))
                .addInterceptor(new ForwardingInterceptor(plan, trustedProxies.trusts(ctx.request()), denied,
                        config.passSetCookie(), tracing, metrics, call, exchange));
        // Inside the forwarding interceptor: a registry token replaces what the plan set, and a
        // request sent twice (after a registry's challenge) is cleaned and counted as one.
        registries.interceptor(ctx, plan).ifPresent(proxy::addInterceptor);
        // Innermost: it sees the body as it is sent, and turns its own abort into a 413.
        config.maxRequestBytes().ifPresent(max -> proxy.addInterceptor(new RequestBodyLimit(max)));
        proxy.handle(ctx.request());
    }
}
