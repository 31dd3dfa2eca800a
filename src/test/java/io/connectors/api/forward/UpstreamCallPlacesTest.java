package io.connectors.api.forward;

import static org.assertj.core.api.Assertions.assertThat;

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
        WaitingLines lines = new WaitingLines(1);
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
        WaitingLines lines = new WaitingLines(1);
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
}
