package io.connectors.api.web;

import io.connectors.api.request.Exchange;
import io.micrometer.core.instrument.Meter.MeterProvider;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * One line per request under the logger {@code connectors.access}, and the request metric.
 * Only the path template is logged when one matched, never the query (it may carry secrets).
 * The metric's namespace and class labels are {@code -} until the caller passed the Connector's
 * SubjectAccessReview: before that they are whatever an anonymous caller put in the URL
 * ({@link RequestLabelCap} bounds them after).
 */
@ApplicationScoped
public class AccessLog {

    /** Prometheus: {@code connectors_requests_seconds_*}. */
    public static final String METRIC = "connectors.requests";
    /** As nginx logs it: the caller left before any answer, and nothing was sent to it. */
    private static final int CALLER_LEFT = 499;
    private static final Logger LOG = Logger.getLogger("connectors.access");
    private final MeterProvider<Timer> timers;

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
        LOG.infof("time=%s id=%s user=%s connector=%s/%s class=%s mode=%s method=%s template=%s path=%s status=%d"
                        + " bytes=%d duration_ms=%.1f",
                Instant.now(), exchange.requestId(), quote(exchange.user()), exchange.namespace(), exchange.connector(),
                exchange.connectorClass(), exchange.mode(), request.method(), exchange.template(),
                quote(request.path()), status, bytes, nanos / 1_000_000.0);
        boolean authorized = exchange.isAuthorized();
        timers.withTags(
                        "namespace", authorized ? exchange.namespace() : "-",
                        "class", authorized ? exchange.connectorClass() : "-",
                        "mode", exchange.mode(),
                        "status", Integer.toString(status))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Keeps a caller-controlled value on one line and unambiguous. */
    private static String quote(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (char c : value.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
