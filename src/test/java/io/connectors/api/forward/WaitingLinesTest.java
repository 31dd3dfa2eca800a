package io.connectors.api.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.connectors.api.errors.GatewayError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The per-upstream bound the event loops share: busy places, the waiting line, hand-over, leaving. */
class WaitingLinesTest {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close();
    }

    /** Runs on an event-loop context, as the forwarding stage does. */
    private <T> T onLoop(Supplier<T> action) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        vertx.runOnContext(v -> result.complete(action.get()));
        return result.get(10, TimeUnit.SECONDS);
    }

    private static String outcome(Future<Void> turn) throws Exception {
        return turn.map("admitted").otherwise(failure -> failure.getMessage()).toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    @Test
    void upToMaxBusyAreAdmittedAtOnceTheNextWaitAndTheRestAreRefused() throws Exception {
        WaitingLines lines = new WaitingLines(vertx, 2, 1, 60_000);
        List<WaitingLines.Place> places = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            places.add(onLoop(() -> lines.enter("http://tool:80", "tool")));
        }
        assertThat(places.get(0).turn().succeeded()).isTrue();
        assertThat(places.get(1).turn().succeeded()).isTrue();
        assertThat(places.get(2).turn().isComplete()).isFalse();
        assertThat(outcome(places.get(3).turn())).contains("too many requests are waiting for tool");
        assertThat(places.get(3).turn().cause()).isInstanceOf(GatewayError.class);
        assertThat(((GatewayError) places.get(3).turn().cause()).code()).isEqualTo(503);

        // A holder leaves: its place goes to the one waiting, on that one's event loop.
        onLoop(() -> {
            places.get(0).leave();
            return null;
        });
        assertThat(outcome(places.get(2).turn())).isEqualTo("admitted");
        // Still two busy: a newcomer waits.
        WaitingLines.Place newcomer = onLoop(() -> lines.enter("http://tool:80", "tool"));
        assertThat(newcomer.turn().isComplete()).isFalse();
        // Another upstream has its own line.
        assertThat(onLoop(() -> lines.enter("http://other:80", "other")).turn().succeeded()).isTrue();
    }

    @Test
    void aWaitThatRunsOutIsA503AndItsPlaceInLineIsFreed() throws Exception {
        WaitingLines lines = new WaitingLines(vertx, 1, 1, 50);
        WaitingLines.Place holder = onLoop(() -> lines.enter("u", "tool"));
        WaitingLines.Place waiter = onLoop(() -> lines.enter("u", "tool"));
        assertThat(outcome(waiter.turn())).contains("no connection to tool became free in time");
        // The line has room again: the next caller waits instead of being refused.
        WaitingLines.Place next = onLoop(() -> lines.enter("u", "tool"));
        assertThat(next.turn().isComplete()).isFalse();
        onLoop(() -> {
            holder.leave();
            return null;
        });
        assertThat(outcome(next.turn())).isEqualTo("admitted");
    }

    @Test
    void aCallerWhoLeavesTheLineFreesItsPlaceAndIsNeverAdmitted() throws Exception {
        WaitingLines lines = new WaitingLines(vertx, 1, 1, 60_000);
        WaitingLines.Place holder = onLoop(() -> lines.enter("u", "tool"));
        WaitingLines.Place gone = onLoop(() -> lines.enter("u", "tool"));
        onLoop(() -> {
            gone.leave();
            gone.leave(); // twice is harmless
            return null;
        });
        assertThat(outcome(gone.turn())).contains("caller went away");
        WaitingLines.Place next = onLoop(() -> lines.enter("u", "tool"));
        assertThat(next.turn().isComplete()).isFalse();
        onLoop(() -> {
            holder.leave();
            return null;
        });
        assertThat(outcome(next.turn())).isEqualTo("admitted");
        // The one admitted leaves: nobody waits, so the upstream is free for the next at once.
        onLoop(() -> {
            next.leave();
            return null;
        });
        assertThat(onLoop(() -> lines.enter("u", "tool")).turn().succeeded()).isTrue();
    }
}
