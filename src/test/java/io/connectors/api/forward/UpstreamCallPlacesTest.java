package io.connectors.api.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.connectors.api.support.OnEventLoop;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientRequest;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An upstream call gives its place at the upstream back whatever the order of events: a caller
 * who left before the proxy asked for its origin must not take a place that nothing would free
 * (a Connector's tool would look busy for good after a few such callers).
 */
class UpstreamCallPlacesTest {

    private final OnEventLoop loop = new OnEventLoop();
    private final Vertx vertx = loop.vertx();

    @AfterEach
    void close() {
        loop.close();
    }

    @Test
    void aCallerWhoLeftBeforeTheOriginWasAskedTakesNoPlace() throws Exception {
        WaitingLines lines = new WaitingLines(vertx, new SimpleMeterRegistry(), 1, 0, 1, 60_000);
        AtomicInteger connections = new AtomicInteger();
        for (int i = 0; i < 3; i++) {
            UpstreamCall call = new UpstreamCall(vertx, Duration.ofMinutes(1), "the tool");
            Future<HttpClientRequest> obtained = loop.call(() -> {
                call.finished(false);
                return call.obtain(lines, "http://tool:80", "ns/c", () -> {
                    connections.incrementAndGet();
                    return Future.failedFuture("not reached");
                });
            });
            assertThat(obtained.failed()).isTrue();
            assertThat(obtained.cause().getMessage()).contains("caller went away");
        }
        assertThat(connections).hasValue(0);
        // The one place is still free.
        assertThat(loop.call(() -> lines.enter("http://tool:80", "ns/c", "the tool")).turn().succeeded()).isTrue();
    }

    @Test
    void aCallerWhoLeavesWhileItsConnectionIsOpenedGivesItsPlaceBack() throws Exception {
        WaitingLines lines = new WaitingLines(vertx, new SimpleMeterRegistry(), 1, 0, 1, 60_000);
        UpstreamCall call = new UpstreamCall(vertx, Duration.ofMinutes(1), "the tool");
        io.vertx.core.Promise<HttpClientRequest> connecting = io.vertx.core.Promise.promise();
        Future<HttpClientRequest> obtained = loop.call(() -> call.obtain(lines, "http://tool:80", "ns/c", connecting::future));
        assertThat(obtained.isComplete()).isFalse();
        loop.run(() -> {
            call.finished(false);
            connecting.fail("connection refused");
        });
        assertThat(loop.call(() -> lines.enter("http://tool:80", "ns/c", "the tool")).turn().succeeded()).isTrue();
    }

    @Test
    void theGaugeCountsThePlacesTakenAndFallsBackToZero() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        // One call at a time, one more may wait.
        WaitingLines lines = new WaitingLines(vertx, registry, 1, 1, 1, 60_000);
        UpstreamCall first = new UpstreamCall(vertx, Duration.ofMinutes(1), "the tool");
        UpstreamCall second = new UpstreamCall(vertx, Duration.ofMinutes(1), "the tool");
        io.vertx.core.Promise<HttpClientRequest> never = io.vertx.core.Promise.promise();
        loop.call(() -> first.obtain(lines, "http://tool:80", "ns/c", never::future));
        loop.call(() -> second.obtain(lines, "http://tool:80", "ns/c", never::future));
        // One under way, one waiting its turn: both are counted.
        assertThat(registry.get(WaitingLines.GAUGE).tag("upstream", "http://tool:80").gauge().value()).isEqualTo(2.0);
        // A third caller finds the line full: 503, and nothing is counted for it.
        UpstreamCall third = new UpstreamCall(vertx, Duration.ofMinutes(1), "the tool");
        Future<HttpClientRequest> refused = loop.call(() -> third.obtain(lines, "http://tool:80", "ns/c", never::future));
        assertThat(refused.cause().getMessage()).contains("too many requests are waiting");
        loop.run(() -> {
            // The first leaves: its turn passes to the second, who leaves too.
            first.finished(false);
            second.finished(true);
            third.finished(true);
            // Told twice (an end handler and a close): given back once.
            first.finished(false);
        });
        assertThat(registry.get(WaitingLines.GAUGE).tag("upstream", "http://tool:80").gauge().value()).isZero();
    }
}
