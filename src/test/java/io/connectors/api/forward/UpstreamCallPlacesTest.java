package io.connectors.api.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientRequest;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An upstream call gives its place at the upstream back whatever the order of events: a caller
 * who left before the proxy asked for its origin must not take a place that nothing would free
 * (a Connector's tool would look busy for good after a few such callers).
 */
class UpstreamCallPlacesTest {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close();
    }

    private <T> T onLoop(Supplier<T> action) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        vertx.runOnContext(v -> result.complete(action.get()));
        return result.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aCallerWhoLeftBeforeTheOriginWasAskedTakesNoPlace() throws Exception {
        WaitingLines lines = new WaitingLines(1, new SimpleMeterRegistry());
        AtomicInteger connections = new AtomicInteger();
        for (int i = 0; i < 3; i++) {
            UpstreamCall call = new UpstreamCall(vertx, Duration.ofMinutes(1), "the tool");
            Future<HttpClientRequest> obtained = onLoop(() -> {
                call.finished(false);
                return call.obtain(lines, "http://tool:80", () -> {
                    connections.incrementAndGet();
                    return Future.failedFuture("not reached");
                });
            });
            assertThat(obtained.failed()).isTrue();
            assertThat(obtained.cause().getMessage()).contains("caller went away");
        }
        assertThat(connections).hasValue(0);
        // The one place is still free.
        assertThat(onLoop(() -> lines.enter("http://tool:80"))).isNotNull();
    }

    @Test
    void aCallerWhoLeavesWhileItsConnectionIsOpenedGivesItsPlaceBack() throws Exception {
        WaitingLines lines = new WaitingLines(1, new SimpleMeterRegistry());
        UpstreamCall call = new UpstreamCall(vertx, Duration.ofMinutes(1), "the tool");
        io.vertx.core.Promise<HttpClientRequest> connecting = io.vertx.core.Promise.promise();
        Future<HttpClientRequest> obtained = onLoop(() -> call.obtain(lines, "http://tool:80", connecting::future));
        assertThat(obtained.isComplete()).isFalse();
        onLoop(() -> {
            call.finished(false);
            connecting.fail("connection refused");
            return null;
        });
        assertThat(onLoop(() -> lines.enter("http://tool:80"))).isNotNull();
    }

    @Test
    void theGaugeCountsThePlacesTakenAndFallsBackToZero() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        WaitingLines lines = new WaitingLines(2, registry);
        UpstreamCall first = new UpstreamCall(vertx, Duration.ofMinutes(1), "the tool");
        UpstreamCall second = new UpstreamCall(vertx, Duration.ofMinutes(1), "the tool");
        io.vertx.core.Promise<HttpClientRequest> never = io.vertx.core.Promise.promise();
        onLoop(() -> first.obtain(lines, "http://tool:80", never::future));
        onLoop(() -> second.obtain(lines, "http://tool:80", never::future));
        assertThat(registry.get(WaitingLines.GAUGE).tag("upstream", "http://tool:80").gauge().value()).isEqualTo(2.0);
        // A third caller finds the line full: 503, and nothing is counted for it.
        UpstreamCall third = new UpstreamCall(vertx, Duration.ofMinutes(1), "the tool");
        Future<HttpClientRequest> refused = onLoop(() -> third.obtain(lines, "http://tool:80", never::future));
        assertThat(refused.cause().getMessage()).contains("too many requests are waiting");
        onLoop(() -> {
            first.finished(false);
            second.finished(true);
            third.finished(true);
            // Told twice (an end handler and a close): given back once.
            first.finished(false);
            return null;
        });
        assertThat(registry.get(WaitingLines.GAUGE).tag("upstream", "http://tool:80").gauge().value()).isZero();
    }
}
