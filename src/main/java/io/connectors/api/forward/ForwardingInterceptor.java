package io.connectors.api.forward;

import io.connectors.api.errors.GatewayError;
import io.connectors.api.errors.StatusBody;
import io.connectors.api.request.Exchange;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyRequest;
import io.vertx.httpproxy.ProxyResponse;
import org.jboss.logging.Logger;

/**
 * Applies one {@link ForwardPlan} to a proxied exchange: the request's headers as
 * {@link UpstreamHeaders} makes them, the plan's URI, upstream failures turned into Status
 * responses, the response cleaned.
 */
final class ForwardingInterceptor implements ProxyInterceptor {

    private static final Logger LOG = Logger.getLogger(ForwardingInterceptor.class);

    private final ForwardPlan plan;
    private final UpstreamHeaders upstreamHeaders;
    private final UpstreamMetrics metrics;
    private final UpstreamCall call;
    private final Exchange exchange;

    ForwardingInterceptor(ForwardPlan plan, UpstreamHeaders upstreamHeaders, UpstreamMetrics metrics, UpstreamCall call,
            Exchange exchange) {
        this.plan = plan;
        this.upstreamHeaders = upstreamHeaders;
        this.metrics = metrics;
        this.call = call;
        this.exchange = exchange;
    }

    @Override
    public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
        ProxyRequest request = context.request();
        upstreamHeaders.toUpstream(request.headers(), request.proxiedRequest(), plan);
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
        upstreamHeaders.toCaller(response.headers());
        Body body = response.getBody();
        if (body != null) {
            response.setBody(Body.body(call.watch(body.stream()), body.length()));
        }
        // A body that could not be passed on whole (the caller or the tool went away midway) ends with
        // vertx-http-proxy resetting the caller's answer, after which Vert.x calls no end handler.
        return context.sendResponse().onFailure(failure -> exchange.end(false));
    }
}
