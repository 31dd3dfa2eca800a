package io.connectors.api.forward;

import io.connectors.api.config.ConnectorsConfig;
import io.connectors.api.request.Stages;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Locale;

/**
 * Forwards a WebSocket upgrade with the same plan as any request (same cleaned headers, same
 * credentials, same URI), and only after the tool answers a real {@code 101} joins the two raw
 * sockets (CVE-2018-1002105: never tunnel on a refused upgrade). A refusal from the tool comes
 * back to the caller as an ordinary response.
 */
@ApplicationScoped
public class WebSocketTunnel {

    private final UpstreamClients clients;
    private final Destinations destinations;
    private final ConnectorsConfig.Proxy config;
    private final HeaderHygiene.Denied denied;

    WebSocketTunnel(UpstreamClients clients, Destinations destinations, ConnectorsConfig config) {
        this.clients = clients;
        this.destinations = destinations;
        this.config = config.proxy();
        this.denied = HeaderHygiene.Denied.of(this.config.stripRequestHeaders().orElse(java.util.List.of()));
    }

    public static boolean isWebSocketUpgrade(HttpServerRequest request) {
        String upgrade = request.getHeader(HttpHeaders.UPGRADE);
        return upgrade != null && upgrade.trim().toLowerCase(Locale.ROOT).equals("websocket");
    }

    public void open(RoutingContext ctx, ForwardPlan plan) {
        HttpServerRequest inbound = ctx.request();
        HttpClient client = clients.client(plan.target(), plan.trust());
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setHost(plan.target().host())
                .setPort(plan.target().port())
                .setSsl(plan.target().tls())
                .setURI(plan.requestUri())
                .setFollowRedirects(false);
        Future<HttpClientResponse> answered = destinations.resolve(plan.target(), plan.upstream())
                .compose(destination -> client.request(destination.apply(options)))
                .compose(upstream -> {
                    copyRequestHeaders(inbound.headers(), upstream, plan);
                    return upstream.connect();
                })
                .recover(failure -> Future.failedFuture(UpstreamFailures.toGatewayError(failure, plan)));
        Stages.then(ctx, answered, response -> {
            if (response.statusCode() == 101) {
                join(inbound, response);
            } else {
                passThrough(inbound.response(), response);
            }
        });
    }

    private void copyRequestHeaders(MultiMap inbound, HttpClientRequest upstream, ForwardPlan plan) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(inbound);
        HeaderHygiene.sanitizeRequest(headers, config.trustForwardedHeaders(), denied);
        headers.remove(HttpHeaders.HOST);
        headers.remove(HttpHeaders.CONTENT_LENGTH);
        plan.headers().forEach(headers::set);
        upstream.headers().addAll(headers);
        // The two hop-by-hop headers an upgrade is made of, set again after the hygiene pass.
        upstream.putHeader(HttpHeaders.CONNECTION, "Upgrade").putHeader(HttpHeaders.UPGRADE, "websocket");
    }

    private void join(HttpServerRequest inbound, HttpClientResponse upgraded) {
        HttpServerResponse response = inbound.response();
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(upgraded.headers());
        HeaderHygiene.sanitizeResponse(headers, config.passSetCookie());
        response.setStatusCode(101).headers().addAll(headers)
                .set(HttpHeaders.CONNECTION, "Upgrade").set(HttpHeaders.UPGRADE, "websocket");
        NetSocket tool = upgraded.netSocket();
        inbound.toNetSocket().onSuccess(caller -> {
            caller.pipeTo(tool);
            tool.pipeTo(caller);
        }).onFailure(failure -> tool.close());
    }

    private void passThrough(HttpServerResponse out, HttpClientResponse refused) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(refused.headers());
        HeaderHygiene.sanitizeResponse(headers, config.passSetCookie());
        out.setStatusCode(refused.statusCode()).headers().addAll(headers);
        if (!headers.contains(HttpHeaders.CONTENT_LENGTH)) {
            out.setChunked(true);
        }
        refused.pipeTo(out);
    }
}
