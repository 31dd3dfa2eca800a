package io.connectors.api.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.connectors.api.errors.GatewayError;
import io.connectors.api.support.OnEventLoop;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The per-upstream bound the event loops share: busy places, the waiting line, hand-over, leaving. */
class WaitingLinesTest {

    private final OnEventLoop loop = new OnEventLoop();
    private final Vertx vertx = loop.vertx();

    @AfterEach
    void close() {
        loop.close();
    }

    private static String outcome(Future<Void> turn) throws Exception {
        return turn.map("admitted").otherwise(failure -> failure.getMessage()).toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    @Test
    void upToMaxBusyAreAdmittedAtOnceTheNextWaitAndTheRestAreRefused() throws Exception {
        WaitingLines lines = new WaitingLines(vertx, new SimpleMeterRegistry(), 2, 1, 60_000);
        List<WaitingLines.Place> places = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            places.add(loop.call(() -> lines.enter("http://tool:80", "tool")));
        }
        assertThat(places.get(0).turn().succeeded()).isTrue();
        assertThat(places.get(1).turn().succeeded()).isTrue();
        assertThat(places.get(2).turn().isComplete()).isFalse();
        assertThat(outcome(places.get(3).turn())).contains("too many requests are waiting for tool");
        assertThat(places.get(3).turn().cause()).isInstanceOf(GatewayError.class);
        assertThat(((GatewayError) places.get(3).turn().cause()).code()).isEqualTo(503);

        // A holder leaves: its place goes to the one waiting, on that one's event loop.
        loop.run(() -> places.get(0).leave());
        assertThat(outcome(places.get(2).turn())).isEqualTo("admitted");
        // Still two busy: a newcomer waits.
        WaitingLines.Place newcomer = loop.call(() -> lines.enter("http://tool:80", "tool"));
        assertThat(newcomer.turn().isComplete()).isFalse();
        // Another upstream has its own line.
        assertThat(loop.call(() -> lines.enter("http://other:80", "other")).turn().succeeded()).isTrue();
    }

    @Test
    void aWaitThatRunsOutIsA503AndItsPlaceInLineIsFreed() throws Exception {
        WaitingLines lines = new WaitingLines(vertx, new SimpleMeterRegistry(), 1, 1, 50);
        WaitingLines.Place holder = loop.call(() -> lines.enter("u", "tool"));
        WaitingLines.Place waiter = loop.call(() -> lines.enter("u", "tool"));
        assertThat(outcome(waiter.turn())).contains("no connection to tool became free in time");
        // The line has room again: the next caller waits instead of being refused.
        WaitingLines.Place next = loop.call(() -> lines.enter("u", "tool"));
        assertThat(next.turn().isComplete()).isFalse();
        loop.run(holder::leave);
        assertThat(outcome(next.turn())).isEqualTo("admitted");
    }

    @Test
    void aCallerWhoLeavesTheLineFreesItsPlaceAndIsNeverAdmitted() throws Exception {
        WaitingLines lines = new WaitingLines(vertx, new SimpleMeterRegistry(), 1, 1, 60_000);
        WaitingLines.Place holder = loop.call(() -> lines.enter("u", "tool"));
        WaitingLines.Place gone = loop.call(() -> lines.enter("u", "tool"));
        loop.run(() -> {
            gone.leave();
            gone.leave(); // twice is harmless
        });
        assertThat(outcome(gone.turn())).contains("caller went away");
        WaitingLines.Place next = loop.call(() -> lines.enter("u", "tool"));
        assertThat(next.turn().isComplete()).isFalse();
        loop.run(holder::leave);
        assertThat(outcome(next.turn())).isEqualTo("admitted");
        // The one admitted leaves: nobody waits, so the upstream is free for the next at once.
        loop.run(next::leave);
        assertThat(loop.call(() -> lines.enter("u", "tool")).turn().succeeded()).isTrue();
    }
}
