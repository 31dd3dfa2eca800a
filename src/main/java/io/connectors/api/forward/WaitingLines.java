package io.connectors.api.forward;

import io.connectors.api.config.ConnectorsConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The requests each upstream (scheme, host, port) is busy with — holding a pooled connection or
 * waiting for one — counted by the gateway itself and bounded by the pool size plus
 * {@code max-waiting-requests}. A caller who leaves frees its place at once: the HTTP client's
 * own wait queue keeps a request until its turn even when its caller has gone, so after a burst
 * of callers who gave up it would look full to new callers for a while.
 *
 * <p>The count of each line is the gauge {@code connectors.upstream.calls} (Prometheus
 * {@code connectors_upstream_calls}): it must fall back to 0 once the load stops. A place that is
 * never given back would, one by one, wedge an upstream for every caller; the soak and benchmark
 * scripts check the gauge after their load for that reason.
 */
@Singleton
public class WaitingLines {

    static final String GAUGE = "connectors.upstream.calls";

    private final int maxPlaces;
    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, AtomicInteger> lines = new ConcurrentHashMap<>();

    @Inject
    WaitingLines(ConnectorsConfig config, MeterRegistry registry) {
        this(config.proxy().maxPoolSize() + config.proxy().maxWaitingRequests(), registry);
    }

    WaitingLines(int maxPlaces, MeterRegistry registry) {
        this.maxPlaces = maxPlaces;
        this.registry = registry;
    }

    /** A place at {@code upstream}, or none when every connection is busy and the waiting line is full. */
    Place enter(String upstream) {
        AtomicInteger line = lines.computeIfAbsent(upstream, this::newLine);
        if (line.incrementAndGet() > maxPlaces) {
            line.decrementAndGet();
            return null;
        }
        return new Place(line);
    }

    // Lines are kept once made: there is one per upstream address that Connectors and classes name,
    // a number their writers choose, not callers (the same holds for the gauge's label).
    private AtomicInteger newLine(String upstream) {
        AtomicInteger line = new AtomicInteger();
        Gauge.builder(GAUGE, line, AtomicInteger::get)
                .description("Requests to an upstream under way or waiting for a connection")
                .tag("upstream", upstream)
                .strongReference(true)
                .register(registry);
        return line;
    }

    /** One request's place, given back once, when its exchange is over (answered, failed, or its caller gone). */
    static final class Place {
        private final AtomicInteger line;
        private boolean left;

        private Place(AtomicInteger line) {
            this.line = line;
        }

        /** Called on the request's event loop only. */
        void leave() {
            if (!left) {
                left = true;
                line.decrementAndGet();
            }
        }
    }
}
