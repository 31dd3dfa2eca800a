package io.connectors.api.forwardproxy;

import io.connectors.api.forward.ForwardPlan;
import io.connectors.api.forward.Forwarder;
import io.connectors.api.forward.ProxyPlanner;
import io.connectors.api.forward.WebSocketTunnel;
import io.connectors.api.request.Exchange;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;

/**
 * The forward proxy's last stage: the call to the matched address with the Connector's credentials
 * and trust, planned and streamed exactly as proxy mode's (destination rules, waiting lines,
 * timeouts, header hygiene, metrics); the path sent is the canonical one that was matched.
 */
@Singleton
public class ProxyForward {

    private final ProxyPlanner planner;
    private final Forwarder forwarder;
    private final WebSocketTunnel webSockets;

    ProxyForward(ProxyPlanner planner, Forwarder forwarder, WebSocketTunnel webSockets) {
        this.planner = planner;
        this.forwarder = forwarder;
        this.webSockets = webSockets;
    }

    public void handle(RoutingContext ctx) {
        ProxyRequest request = ProxyRequest.of(ctx);
        Exchange exchange = Exchange.of(ctx);
        HttpServerRequest http = ctx.request();
        ConnectorAddresses.Match match = request.match();
        ForwardPlan plan = planner.plan(ForwardPlan.FORWARD, exchange.resolved(), match.address(),
                match.canonicalApiPath(), request.target().rawQuery(), exchange.requestId());
        if (WebSocketTunnel.isWebSocketUpgrade(http)) {
            webSockets.open(ctx, plan);
        } else {
            forwarder.forward(ctx, plan);
        }
    }
}
