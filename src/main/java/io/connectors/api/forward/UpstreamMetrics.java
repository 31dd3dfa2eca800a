package io.connectors.api.forward;

import io.micrometer.core.instrument.Meter.MeterProvider;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;
import java.util.concurrent.TimeUnit;

/**
 * The timer {@code connectors.upstream.requests} (Prometheus: {@code connectors_upstream_requests_seconds_*}):
 * from sending the request to a tool or custom API until its response head arrived, by mode
 * ({@code proxy}|{@code api}) and status class ({@code 2xx}..{@code 5xx}, or {@code error} when no
 * response came: unreachable, timed out). Bodies stream afterwards and are not included. A
 * WebSocket upgrade is a call like any other: its answer is the {@code 101} (or the refusal).
 */
@Singleton
class UpstreamMetrics {

    static final String NAME = "connectors.upstream.requests";
    private static final String[] CLASSES = {"error", "1xx", "2xx", "3xx", "4xx", "5xx"};

    private final MeterProvider<Timer> timers;

    UpstreamMetrics(MeterRegistry registry) {
        this.timers = Timer.builder(NAME)
                .description("Latency of calls to tools and custom APIs, until the response head")
                .withRegistry(registry);
    }

    /** {@code status} 0 means no response. */
    void record(String mode, int status, long nanos) {
        timers.withTags("mode", mode, "status_class", statusClass(status)).record(nanos, TimeUnit.NANOSECONDS);
    }

    static String statusClass(int status) {
        int hundreds = status / 100;
        return hundreds >= 1 && hundreds <= 5 ? CLASSES[hundreds] : "error";
    }
}
