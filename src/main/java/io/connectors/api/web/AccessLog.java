package io.connectors.api.web;

import io.connectors.api.request.Exchange;
import io.connectors.api.request.GatewayRoute;
import io.micrometer.core.instrument.Meter.MeterProvider;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * One line per request under the logger {@code connectors.access}, and the request metric.
 * Of the request's path only the OpenAPI path template it matched ({@code -} if none) and the kind
 * of route are written, never the path itself nor its query: tools carry tokens in both (GitLab's
 * {@code private_token}, a registry or npm token as a path segment), and the Connector's namespace
 * and name have their own field.
 * The metric's namespace and class labels are {@code -} until the caller passed the Connector's
 * SubjectAccessReview: before that they are whatever an anonymous caller put in the URL
 * ({@link RequestLabelCap} bounds them after).
 */
@Singleton
public class AccessLog {

    /** Prometheus: {@code connectors_requests_seconds_*}. */
    public static final String METRIC = "connectors.requests";
    /** As nginx logs it: the caller left before any answer, and nothing was sent to it. */
    private static final int CALLER_LEFT = 499;
    private static final Logger LOG = Logger.getLogger("connectors.access");
    private static final int MAX_REMEMBERED = 4096;
    private final MeterProvider<Timer> timers;
    private final ConcurrentHashMap<TimerKey, Timer> known = new ConcurrentHashMap<>();

    AccessLog(MeterRegistry registry) {
        this.timers = Timer.builder(METRIC)
                .description("Requests under /connectors, from arrival to the end of the response")
                .withRegistry(registry);
    }

    /** {@code completed}: false when the caller's connection closed before the answer was complete. */
    void record(RoutingContext ctx, Exchange exchange, boolean completed) {
        long nanos = System.nanoTime() - exchange.startNanos();
        HttpServerRequest request = ctx.request();
        int status = !completed && !ctx.response().headWritten() ? CALLER_LEFT : ctx.response().getStatusCode();
        long bytes = ctx.response().bytesWritten();
        if (LOG.isInfoEnabled()) {
            // Built by hand: printf-style formatting (and its locale lookups) cost more than the rest
            // of a proxied request's own work; this line is written for every request.
            long tenths = nanos / 100_000;
            StringBuilder line = new StringBuilder(256).append("time=").append(Instant.now())
                    .append(" id=").append(exchange.requestId())
                    .append(" user=");
            quote(line, exchange.user());
            line.append(" connector=").append(exchange.namespace()).append('/').append(exchange.connector())
                    .append(" class=").append(exchange.connectorClass())
                    .append(" mode=").append(exchange.mode())
                    .append(" method=").append(request.method().name())
                    .append(" template=").append(exchange.template())
                    .append(" route=").append(routeKind(exchange.route()))
                    .append(" status=").append(status)
                    .append(" bytes=").append(bytes)
                    .append(" duration_ms=").append(tenths / 10).append('.').append(tenths % 10);
            LOG.info(line.toString());
        }
        boolean authorized = exchange.isAuthorized();
        timer(new TimerKey(authorized ? exchange.namespace() : "-", authorized ? exchange.connectorClass() : "-",
                exchange.mode(), status)).record(nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * The timer of these labels, looked up in the registry once: a registry lookup builds and sorts
     * the tags each time. The labels are those of Connectors the caller was authorised for (else
     * {@code -}), so their number is the cluster's; past {@link #MAX_REMEMBERED} the registry is asked.
     */
    private Timer timer(TimerKey key) {
        Timer timer = known.get(key);
        if (timer == null) {
            timer = timers.withTags("namespace", key.namespace(), "class", key.connectorClass(), "mode", key.mode(),
                    "status", Integer.toString(key.status()));
            if (known.size() < MAX_REMEMBERED) {
                known.putIfAbsent(key, timer);
            }
        }
        return timer;
    }

    private record TimerKey(String namespace, String connectorClass, String mode, int status) {
    }

    /** The route's kind, a fixed word ({@code ConnectorApi}, {@code Registry}, ...); {@code -} before a path was parsed. */
    private static String routeKind(GatewayRoute route) {
        return route == null ? "-" : route.getClass().getSimpleName();
    }

    /** Keeps a caller-controlled value on one line and unambiguous. */
    private static void quote(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                out.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }
}
