package io.connectors.api.forwardproxy;

import io.connectors.api.forward.ForwardPlan;
import io.connectors.api.forward.Forwarder;
import io.connectors.api.forward.ProxyPlanner;
import io.connectors.api.request.Exchange;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;

/**
 * The forward proxy's last stage: the call to the matched address with the Connector's credentials
 * and trust, planned and streamed exactly as proxy mode's (destination rules, waiting lines,
 * timeouts, header hygiene, metrics, WebSocket upgrades); the path sent is the canonical one that was matched.
 */
@Singleton
public class ProxyForward {

    private final ProxyPlanner planner;
    private final Forwarder forwarder;

    ProxyForward(ProxyPlanner planner, Forwarder forwarder) {
        this.planner = planner;
        this.forwarder = forwarder;
    }

    public void handle(RoutingContext ctx) {
        ProxyRequest request = ProxyRequest.of(ctx);
        Exchange exchange = Exchange.of(ctx);
        ConnectorAddresses.Match match = request.match();
        ForwardPlan plan = planner.plan(ForwardPlan.FORWARD, exchange.resolved(), match.address(),
                match.canonicalApiPath(), request.target().rawQuery(), exchange.requestId());
        // WebSocket upgrades included: the forwarder opens those tunnels itself.
        forwarder.forward(ctx, plan);
    }
}
