package io.connectors.api.web;

import io.vertx.ext.web.RoutingContext;

/**
 * What the access log and metrics need to know about one request, filled in by the stages as
 * they learn it. Lives in the RoutingContext; never holds a credential.
 */
public final class Exchange {

    private static final String KEY = Exchange.class.getName();

    final String requestId;
    final long startNanos;
    String user = "-";
    String namespace = "-";
    String connector = "-";
    String connectorClass = "-";
    String mode = "-";
    String template = "-";
    /** Set once the caller may get the Connector: only then do namespace and class label metrics. */
    boolean authorized;

    private Exchange(String requestId) {
        this.requestId = requestId;
        this.startNanos = System.nanoTime();
    }

    static Exchange start(RoutingContext ctx, String requestId) {
        Exchange exchange = new Exchange(requestId);
        ctx.put(KEY, exchange);
        return exchange;
    }

    public static Exchange of(RoutingContext ctx) {
        return ctx.get(KEY);
    }

    public String requestId() {
        return requestId;
    }

    public void user(String user) {
        this.user = user;
    }

    public void connector(String namespace, String connector) {
        this.namespace = namespace;
        this.connector = connector;
    }

    public void connectorClass(String connectorClass) {
        this.connectorClass = connectorClass;
    }

    public void mode(String mode) {
        this.mode = mode;
    }

    public void template(String template) {
        this.template = template;
    }

    /** The caller passed the Connector's SubjectAccessReview. */
    public void authorized() {
        this.authorized = true;
    }
}
