package io.connectors.api.forward;

import io.connectors.api.errors.GatewayError;
import io.connectors.api.errors.StatusBody;
import io.connectors.api.request.Exchange;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyRequest;
import io.vertx.httpproxy.ProxyResponse;
import org.jboss.logging.Logger;

/**
 * Applies one {@link ForwardPlan} to a proxied exchange: clean the request, set the plan's
 * headers and URI, turn upstream failures into Status responses, clean the response.
 */
final class ForwardingInterceptor implements ProxyInterceptor {

    private static final Logger LOG = Logger.getLogger(ForwardingInterceptor.class);

    /** W3C trace-context and baggage headers: replaced by the gateway's own when tracing is on. */
    private static final String[] TRACE_CONTEXT = {"traceparent", "tracestate", "baggage"};

    private final ForwardPlan plan;
    private final boolean trustForwarded;
    private final HeaderHygiene.Denied denied;
    private final boolean passSetCookie;
    private final boolean tracing;
    private final UpstreamMetrics metrics;
    private final UpstreamCall call;
    private final Exchange exchange;

    ForwardingInterceptor(ForwardPlan plan, boolean trustForwarded, HeaderHygiene.Denied denied, boolean passSetCookie,
            boolean tracing, UpstreamMetrics metrics, UpstreamCall call, Exchange exchange) {
        this.plan = plan;
        this.trustForwarded = trustForwarded;
        this.denied = denied;
        this.passSetCookie = passSetCookie;
        this.tracing = tracing;
        this.metrics = metrics;
        this.call = call;
        this.exchange = exchange;
    }

    @Override
    public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
        ProxyRequest request = context.request();
        MultiMap headers = request.headers();
        HeaderHygiene.sanitizeRequest(headers, trustForwarded, denied);
        if (tracing) {
            // The Vert.x client tracer adds the gateway span's context when the request is sent.
            for (String name : TRACE_CONTEXT) {
                headers.remove(name);
            }
        }
        setForwardedHeaders(headers, request.proxiedRequest());
        plan.headers().forEach(headers::set);
        request.setURI(plan.requestUri());
        Body body = request.getBody();
        if (body != null) {
            request.setBody(Body.body(call.watch(body.stream()), body.length()));
        }
        long start = System.nanoTime();
        return context.sendRequest()
                .onComplete(result -> metrics.record(plan.mode(),
                        result.succeeded() ? result.result().getStatusCode() : 0, System.nanoTime() - start))
                .recover(failure -> {
            GatewayError error = UpstreamFailures.toGatewayError(failure, plan);
            LOG.debugf("upstream failure %s: %s", plan.target().origin(), failure.getClass().getName());
            context.set(Forwarder.GATEWAY_ERROR, error);
            return Future.succeededFuture(request.release().response()
                    .setStatusCode(error.code())
                    .putHeader(HttpHeaders.CONTENT_TYPE, StatusBody.CONTENT_TYPE)
                    .setBody(Body.body(StatusBody.of(error))));
        });
    }

    @Override
    public Future<Void> handleProxyResponse(ProxyContext context) {
        call.touch();
        ProxyResponse response = context.response();
        HeaderHygiene.sanitizeResponse(response.headers(), passSetCookie);
        Body body = response.getBody();
        if (body != null) {
            response.setBody(Body.body(call.watch(body.stream()), body.length()));
        }
        // A body that could not be passed on whole (the caller or the tool went away midway) ends with
        // vertx-http-proxy resetting the caller's answer, after which Vert.x calls no end handler.
        return context.sendResponse().onFailure(failure -> exchange.end(false));
    }

    private void setForwardedHeaders(MultiMap headers, HttpServerRequest inbound) {
        SocketAddress remote = inbound.remoteAddress();
        if (remote != null && remote.hostAddress() != null) {
            String previous = trustForwarded ? headers.get("X-Forwarded-For") : null;
            headers.set("X-Forwarded-For", previous == null ? remote.hostAddress() : previous + ", " + remote.hostAddress());
        }
        if (!trustForwarded || !headers.contains("X-Forwarded-Proto")) {
            headers.set("X-Forwarded-Proto", inbound.scheme() == null ? "http" : inbound.scheme());
        }
        HostAndPort authority = inbound.authority();
        if (authority != null && (!trustForwarded || !headers.contains("X-Forwarded-Host"))) {
            headers.set("X-Forwarded-Host", authority.toString());
        }
    }
}
