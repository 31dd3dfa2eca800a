package io.connectors.api.web;

import io.connectors.api.request.Exchange;
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
 */
@ApplicationScoped
public class AccessLog {

    private static final Logger LOG = Logger.getLogger("connectors.access");
    private static final int CALLER_LEFT = 499;
    private final MeterRegistry registry;

    AccessLog(MeterRegistry registry) {
        this.registry = registry;
    }

    /** {@code completed}: false when the caller's connection closed before the answer was complete. */
    void record(RoutingContext ctx, Exchange exchange, boolean completed) {
        long nanos = System.nanoTime() - exchange.startNanos();
        HttpServerRequest request = ctx.request();
        // 499 (as nginx logs it): the caller left before any answer; nothing was sent to it.
        int status = !completed && !ctx.response().headWritten() ? CALLER_LEFT : ctx.response().getStatusCode();
        long bytes = ctx.response().bytesWritten();
        LOG.infof("time=%s id=%s user=%s connector=%s/%s class=%s mode=%s method=%s template=%s path=%s status=%d"
                        + " bytes=%d duration_ms=%.1f",
                Instant.now(), exchange.requestId(), quote(exchange.user()), exchange.namespace(), exchange.connector(),
                exchange.connectorClass(), exchange.mode(), request.method(), exchange.template(),
                quote(request.path()), status, bytes, nanos / 1_000_000.0);
        // Names from the URL become labels only once the caller is authorised for the Connector:
        // before that they are whatever anyone typed, and each would be a new series.
        boolean authorized = exchange.isAuthorized();
        Timer.builder("connectors.requests")
                .tag("namespace", authorized ? exchange.namespace() : "-")
                .tag("class", authorized ? exchange.connectorClass() : "-")
                .tag("mode", exchange.mode())
                .tag("status", Integer.toString(status))
                .register(registry)
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
