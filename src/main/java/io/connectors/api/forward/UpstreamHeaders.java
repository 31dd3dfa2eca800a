package io.connectors.api.forward;

import io.connectors.api.config.ConnectorsConfig;
import io.connectors.api.request.TrustedProxies;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;
import jakarta.inject.Singleton;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The headers of every call to an upstream, proxied or tunnelled (a WebSocket): the caller's,
 * cleaned ({@link HeaderHygiene}, with the one trust decision of {@link TrustedProxies}), without
 * the caller's trace context when the gateway traces, with the gateway's own {@code X-Forwarded-*},
 * then the plan's (credentials or X-Plugin-*); and the upstream's answer, cleaned for the caller.
 */
@Singleton
public class UpstreamHeaders {

    /** W3C trace-context and baggage headers: replaced by the gateway's own when tracing is on. */
    private static final String[] TRACE_CONTEXT = {"traceparent", "tracestate", "baggage"};

    private final TrustedProxies trustedProxies;
    private final HeaderHygiene.Denied denied;
    private final boolean passSetCookie;
    private final boolean tracing;

    UpstreamHeaders(ConnectorsConfig config, TrustedProxies trustedProxies,
            @ConfigProperty(name = "quarkus.otel.sdk.disabled", defaultValue = "true") boolean tracingDisabled) {
        this.trustedProxies = trustedProxies;
        this.denied = HeaderHygiene.Denied.of(config.proxy().stripRequestHeaders().orElse(List.of()));
        this.passSetCookie = config.proxy().passSetCookie();
        // With tracing on, Quarkus's Vert.x tracer injects the trace context into the upstream
        // request (a child of the caller's trace, if any); the caller's own headers must not go too.
        this.tracing = !tracingDisabled;
    }

    /** Turns {@code headers}, a copy of {@code inbound}'s, into what the upstream gets. */
    void toUpstream(MultiMap headers, HttpServerRequest inbound, ForwardPlan plan) {
        // The forward proxy's callers come straight to it (or, inside a CONNECT tunnel, from the gateway's
        // own loopback tunnel server): no proxy of theirs is trusted to speak for them, whatever the list says.
        boolean trusted = !ForwardPlan.FORWARD.equals(plan.mode()) && trustedProxies.trusts(inbound);
        HeaderHygiene.sanitizeRequest(headers, trusted, denied);
        if (tracing) {
            for (String name : TRACE_CONTEXT) {
                headers.remove(name);
            }
        }
        setForwardedHeaders(headers, inbound, trusted);
        plan.headers().forEach(headers::set);
    }

    /** Cleans an upstream's answer on its way to the caller. */
    void toCaller(MultiMap headers) {
        HeaderHygiene.sanitizeResponse(headers, passSetCookie);
    }

    private static void setForwardedHeaders(MultiMap headers, HttpServerRequest inbound, boolean trusted) {
        SocketAddress remote = inbound.remoteAddress();
        if (remote != null && remote.hostAddress() != null) {
            String previous = trusted ? headers.get("X-Forwarded-For") : null;
            headers.set("X-Forwarded-For", previous == null ? remote.hostAddress() : previous + ", " + remote.hostAddress());
        }
        if (!trusted || !headers.contains("X-Forwarded-Proto")) {
            headers.set("X-Forwarded-Proto", inbound.scheme() == null ? "http" : inbound.scheme());
        }
        HostAndPort authority = inbound.authority();
        if (authority != null && (!trusted || !headers.contains("X-Forwarded-Host"))) {
            headers.set("X-Forwarded-Host", authority.toString());
        }
    }
}
