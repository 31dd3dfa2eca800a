package io.connectors.api.request;

import io.connectors.api.authn.CallerIdentity;
import io.connectors.api.resolve.ResolvedConnector;
import io.connectors.api.route.RouteMatch;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * One request as the stages learn about it, kept in its RoutingContext: each stage reads what
 * the stages before it found and adds its own. The access log and the metrics read it at the
 * end. Never holds a credential.
 */
public final class Exchange {

    private static final Logger LOG = Logger.getLogger(Exchange.class);
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
    private List<Consumer<Boolean>> endListeners;
    private boolean over;
    private boolean completed;

    Exchange(String requestId) {
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

    /**
     * Runs {@code listener} once, when the exchange is over, with {@code true} if the answer was
     * written whole and {@code false} if it was cut or the caller left; at once if it is over already.
     * Called on the request's event loop.
     */
    public void onEnd(Consumer<Boolean> listener) {
        if (over) {
            listener.accept(completed);
            return;
        }
        if (endListeners == null) {
            endListeners = new ArrayList<>(2);
        }
        endListeners.add(listener);
    }

    /**
     * The exchange is over. Said by Vert.x's end handlers of the RoutingContext and, because Vert.x
     * calls none of those for an HTTP/1.1 answer that was reset or closed before its end (the
     * response then counts as closed already when the connection goes), by whoever cuts an answer.
     * Whatever is held for the request (a place at an upstream, its access-log line) hangs on this.
     * Only the first call counts.
     */
    public void end(boolean completed) {
        if (over) {
            return;
        }
        over = true;
        this.completed = completed;
        if (endListeners != null) {
            for (Consumer<Boolean> listener : endListeners) {
                try {
                    listener.accept(completed);
                } catch (RuntimeException e) {
                    // One listener's failure must not keep the others (a place, a log line) from their end.
                    LOG.warnf("end of exchange %s: a listener failed: %s", requestId, e.getClass().getName());
                }
            }
            endListeners = null;
        }
    }

    public boolean isOver() {
        return over;
    }

    /**
     * Cuts an answer short: the stream is reset (HTTP/1.1: the connection is closed) and the
     * exchange ended, as Vert.x will not say so itself after a reset.
     */
    public static void cut(RoutingContext ctx) {
        try {
            ctx.response().reset();
        } finally {
            Exchange exchange = ctx.get(KEY);
            if (exchange != null) {
                exchange.end(false);
            }
        }
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
