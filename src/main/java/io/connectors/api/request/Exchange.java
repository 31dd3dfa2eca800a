package io.connectors.api.request;

import io.connectors.api.authn.CallerIdentity;
import io.connectors.api.resolve.ResolvedConnector;
import io.connectors.api.route.RouteMatch;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * One request as the stages learn about it, kept in its RoutingContext: each stage reads what
 * the stages before it found and adds its own. The access log and the metrics read it at the
 * end. Never holds a credential.
 */
public final class Exchange {

    private static final String KEY = Exchange.class.getName();
    private static final String NONE = "-";

    private final String requestId;
    private final long startNanos;
    private GatewayRoute route;
    private CallerIdentity identity;
    private boolean authorized;
    private ResolvedConnector resolved;
    private String connectorClass = NONE;
    private Optional<RouteMatch> match = Optional.empty();
    private String mode = NONE;

    private Exchange(String requestId) {
        this.requestId = requestId;
        this.startNanos = System.nanoTime();
    }

    public static Exchange start(RoutingContext ctx, String requestId) {
        Exchange exchange = new Exchange(requestId);
        ctx.put(KEY, exchange);
        return exchange;
    }

    public static Exchange of(RoutingContext ctx) {
        Exchange exchange = ctx.get(KEY);
        if (exchange == null) {
            throw new IllegalStateException("no exchange: the admission stage did not run");
        }
        return exchange;
    }

    public String requestId() {
        return requestId;
    }

    public long startNanos() {
        return startNanos;
    }

    public GatewayRoute route() {
        return route;
    }

    public void route(GatewayRoute route) {
        this.route = route;
    }

    public CallerIdentity identity() {
        if (identity == null) {
            throw new IllegalStateException("the caller is not authenticated yet");
        }
        return identity;
    }

    public void identity(CallerIdentity identity) {
        this.identity = identity;
    }

    /** Marks that the caller may get the Connector: from here on, what is learnt about it may be recorded. */
    public void authorized() {
        this.authorized = true;
    }

    public boolean isAuthorized() {
        return authorized;
    }

    public ResolvedConnector resolved() {
        if (resolved == null) {
            throw new IllegalStateException("the connector is not resolved yet");
        }
        return resolved;
    }

    public void resolved(ResolvedConnector resolved) {
        this.resolved = resolved;
        this.connectorClass = resolved.className();
    }

    public void connectorClass(String connectorClass) {
        this.connectorClass = connectorClass;
    }

    public Optional<RouteMatch> match() {
        return match;
    }

    public void match(Optional<RouteMatch> match) {
        this.match = match;
    }

    public void mode(String mode) {
        this.mode = mode;
    }

    // What the access log shows; "-" where a stage did not get that far.

    public String user() {
        return identity == null ? NONE : identity.username();
    }

    public String namespace() {
        return route == null ? NONE : route.connector().map(GatewayRoute.ConnectorRef::namespace).orElse(NONE);
    }

    public String connector() {
        return route == null ? NONE : route.connector().map(GatewayRoute.ConnectorRef::name).orElse(NONE);
    }

    public String connectorClass() {
        return connectorClass;
    }

    public String mode() {
        return mode;
    }

    public String template() {
        return match.map(RouteMatch::template).orElse(NONE);
    }
}
