package io.connectors.api.forward;

import io.connectors.api.request.Exchange;
import io.connectors.api.request.Stages;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import java.util.function.Supplier;

/**
 * Forwards a WebSocket upgrade as a call like any other ({@link Forwarder} hands it over): the same
 * place in the upstream's waiting line, the same headers ({@link UpstreamHeaders}: hygiene, the
 * trusted-proxy decision, the gateway's X-Forwarded-*, trace context, credentials), the same URI,
 * the same upstream metrics. Only after the tool answers a real {@code 101} are the two raw sockets
 * joined (CVE-2018-1002105: never tunnel on a refused upgrade); a refusal from the tool comes back
 * to the caller as an ordinary response. The tunnel keeps its place at the tool until either side
 * closes, and is closed when no byte has moved either way for the idle timeout.
 */
@Singleton
public class WebSocketTunnel {

    private final UpstreamHeaders upstreamHeaders;
    private final UpstreamMetrics metrics;

    WebSocketTunnel(UpstreamHeaders upstreamHeaders, UpstreamMetrics metrics) {
        this.upstreamHeaders = upstreamHeaders;
        this.metrics = metrics;
    }

    /** {@code connection}: the upstream request once it is this call's turn at the upstream. */
    void open(RoutingContext ctx, ForwardPlan plan, UpstreamCall call, Supplier<Future<HttpClientRequest>> connection) {
        HttpServerRequest inbound = ctx.request();
        Tunnel tunnel = new Tunnel(call);
        // Until the sockets are joined the call ends with the exchange (a caller who leaves frees the
        // place at once); once they are, with the tunnel, which outlives the exchange's 101.
        Exchange.of(ctx).onEnd(tunnel::exchangeEnded);
        long start = System.nanoTime();
        Future<HttpClientResponse> answered = connection.get()
                .compose(upstream -> {
                    upstream.setMethod(HttpMethod.GET).setURI(plan.requestUri());
                    copyRequestHeaders(inbound, upstream, plan);
                    return upstream.connect();
                })
                .onComplete(result -> metrics.record(plan.mode(),
                        result.succeeded() ? result.result().statusCode() : 0, System.nanoTime() - start))
                .recover(failure -> Future.failedFuture(UpstreamFailures.toGatewayError(failure, plan)));
        Stages.then(ctx, answered, response -> {
            call.touch();
            if (response.statusCode() == 101) {
                join(inbound, response, tunnel);
            } else {
                passThrough(inbound.response(), response, call);
            }
        });
    }

    private void copyRequestHeaders(HttpServerRequest inbound, HttpClientRequest upstream, ForwardPlan plan) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(inbound.headers());
        upstreamHeaders.toUpstream(headers, inbound, plan);
        // The client writes the tool's own Host; an upgrade has no body.
        headers.remove(HttpHeaders.HOST);
        headers.remove(HttpHeaders.CONTENT_LENGTH);
        upstream.headers().addAll(headers);
        // The two hop-by-hop headers an upgrade is made of, set again after the hygiene pass.
        upstream.putHeader(HttpHeaders.CONNECTION, "Upgrade").putHeader(HttpHeaders.UPGRADE, "websocket");
    }

    private void join(HttpServerRequest inbound, HttpClientResponse upgraded, Tunnel tunnel) {
        HttpServerResponse response = inbound.response();
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(upgraded.headers());
        upstreamHeaders.toCaller(headers);
        response.setStatusCode(101).headers().addAll(headers)
                .set(HttpHeaders.CONNECTION, "Upgrade").set(HttpHeaders.UPGRADE, "websocket");
        NetSocket tool = upgraded.netSocket();
        tunnel.joining();
        inbound.toNetSocket().onSuccess(caller -> {
            // Whichever side closes (or the idle timeout closes the tool's), the other follows and
            // the place at the tool goes back.
            tool.closeHandler(v -> tunnel.closed(caller));
            caller.closeHandler(v -> tunnel.closed(tool));
            tunnel.call.watch(caller).pipeTo(tool);
            tunnel.call.watch(tool).pipeTo(caller);
        }).onFailure(failure -> tunnel.closed(tool));
    }

    private void passThrough(HttpServerResponse out, HttpClientResponse refused, UpstreamCall call) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(refused.headers());
        upstreamHeaders.toCaller(headers);
        out.setStatusCode(refused.statusCode()).headers().addAll(headers);
        if (!headers.contains(HttpHeaders.CONTENT_LENGTH)) {
            out.setChunked(true);
        }
        call.watch(refused).pipeTo(out);
    }

    /** One upgrade's call, and whether its sockets are joined (then the tunnel, not the exchange, ends it). */
    private static final class Tunnel {

        private final UpstreamCall call;
        private boolean joined;

        Tunnel(UpstreamCall call) {
            this.call = call;
        }

        void exchangeEnded(boolean completed) {
            if (!joined) {
                call.finished(completed);
            }
        }

        void joining() {
            joined = true;
        }

        void closed(NetSocket other) {
            other.close();
            call.finished(true);
        }
    }
}
