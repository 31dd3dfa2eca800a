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

/** The per-upstream bound the event loops share: busy places, the waiting line, hand-over, leaving, fair shares. */
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
        WaitingLines lines = new WaitingLines(vertx, new SimpleMeterRegistry(), 2, 1, 2, 60_000);
        List<WaitingLines.Place> places = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            places.add(loop.call(() -> lines.enter("http://tool:80", "ns/c", "tool")));
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
        WaitingLines.Place newcomer = loop.call(() -> lines.enter("http://tool:80", "ns/c", "tool"));
        assertThat(newcomer.turn().isComplete()).isFalse();
        // Another upstream has its own line.
        assertThat(loop.call(() -> lines.enter("http://other:80", "ns/c", "other")).turn().succeeded()).isTrue();
    }

    @Test
    void aWaitThatRunsOutIsA503AndItsPlaceInLineIsFreed() throws Exception {
        WaitingLines lines = new WaitingLines(vertx, new SimpleMeterRegistry(), 1, 1, 1, 50);
        WaitingLines.Place holder = loop.call(() -> lines.enter("u", "ns/c", "tool"));
        WaitingLines.Place waiter = loop.call(() -> lines.enter("u", "ns/c", "tool"));
        assertThat(outcome(waiter.turn())).contains("no connection to tool became free in time");
        // The line has room again: the next caller waits instead of being refused.
        WaitingLines.Place next = loop.call(() -> lines.enter("u", "ns/c", "tool"));
        assertThat(next.turn().isComplete()).isFalse();
        loop.run(holder::leave);
        assertThat(outcome(next.turn())).isEqualTo("admitted");
    }

    @Test
    void aCallerWhoLeavesTheLineFreesItsPlaceAndIsNeverAdmitted() throws Exception {
        WaitingLines lines = new WaitingLines(vertx, new SimpleMeterRegistry(), 1, 1, 1, 60_000);
        WaitingLines.Place holder = loop.call(() -> lines.enter("u", "ns/c", "tool"));
        WaitingLines.Place gone = loop.call(() -> lines.enter("u", "ns/c", "tool"));
        loop.run(() -> {
            gone.leave();
            gone.leave(); // twice is harmless
        });
        assertThat(outcome(gone.turn())).contains("caller went away");
        WaitingLines.Place next = loop.call(() -> lines.enter("u", "ns/c", "tool"));
        assertThat(next.turn().isComplete()).isFalse();
        loop.run(holder::leave);
        assertThat(outcome(next.turn())).isEqualTo("admitted");
        // The one admitted leaves: nobody waits, so the upstream is free for the next at once.
        loop.run(next::leave);
        assertThat(loop.call(() -> lines.enter("u", "ns/c", "tool")).turn().succeeded()).isTrue();
    }

    private static String namesOf(List<String> admitted) {
        return String.join(",", admitted);
    }

    @Test
    void oneConnectorHoldsAtMostItsShareAndAnotherIsAdmittedAtOnce() throws Exception {
        // Four places at the tool, two per Connector.
        WaitingLines lines = new WaitingLines(vertx, new SimpleMeterRegistry(), 4, 8, 2, 60_000);
        List<WaitingLines.Place> greedy = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            greedy.add(loop.call(() -> lines.enter("u", "team-a/gitlab", "tool")));
        }
        assertThat(greedy).filteredOn(place -> place.turn().succeeded()).hasSize(2);
        assertThat(greedy.get(2).turn().isComplete()).isFalse();
        // Another namespace's Connector of the same tool: a place at once, although a's callers wait.
        WaitingLines.Place other = loop.call(() -> lines.enter("u", "team-b/gitlab", "tool"));
        assertThat(other.turn().succeeded()).isTrue();
        // a's own places going free go to a's waiters, in the order they came.
        loop.run(() -> greedy.get(0).leave());
        assertThat(outcome(greedy.get(2).turn())).isEqualTo("admitted");
        assertThat(greedy.get(3).turn().isComplete()).isFalse();
    }

    @Test
    void freedPlacesGoToTheConnectorsWithWaitersInTurn() throws Exception {
        // Two places, either Connector may hold both: only the turns are tested here.
        WaitingLines lines = new WaitingLines(vertx, new SimpleMeterRegistry(), 2, 8, 2, 60_000);
        List<WaitingLines.Place> holders = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            holders.add(loop.call(() -> lines.enter("u", "team-a/gitlab", "tool")));
        }
        // a queues three callers first, then b two: a first-come line would serve a, a, a, b, b.
        List<String> admitted = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<WaitingLines.Place> waiters = new ArrayList<>();
        for (String name : List.of("a1", "a2", "a3", "b1", "b2")) {
            String connector = name.startsWith("a") ? "team-a/gitlab" : "team-b/gitlab";
            WaitingLines.Place place = loop.call(() -> lines.enter("u", connector, "tool"));
            place.turn().onSuccess(v -> admitted.add(name));
            waiters.add(place);
        }
        // One place at a time goes free: each admitted caller leaves at once, its place passing on.
        loop.run(() -> holders.get(0).leave());
        for (int i = 0; i < 4; i++) {
            int served = i + 1;
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> admitted.size() == served);
            WaitingLines.Place last = waiters.get(List.of("a1", "a2", "a3", "b1", "b2").indexOf(admitted.get(i)));
            loop.run(last::leave);
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> admitted.size() == 5);
        assertThat(namesOf(admitted)).isEqualTo("a1,b1,a2,b2,a3");
    }

    @Test
    void oneConnectorsWaitersTakeAtMostItsShareOfTheLine() throws Exception {
        // Two places, one per Connector; a line of four, two per Connector.
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        WaitingLines lines = new WaitingLines(vertx, registry, 2, 4, 1, 60_000);
        List<WaitingLines.Place> places = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            places.add(loop.call(() -> lines.enter("u", "team-a/gitlab", "tool")));
        }
        assertThat(outcome(places.get(3).turn())).contains("too many requests are waiting for tool");
        // b finds a place, then room in the line, although a asked for more than the line holds.
        WaitingLines.Place b = loop.call(() -> lines.enter("u", "team-b/gitlab", "tool"));
        WaitingLines.Place bWaits = loop.call(() -> lines.enter("u", "team-b/gitlab", "tool"));
        assertThat(b.turn().succeeded()).isTrue();
        assertThat(bWaits.turn().isComplete()).isFalse();
        // Everyone leaves: the gauge is back to 0.
        loop.run(() -> places.forEach(WaitingLines.Place::leave));
        loop.run(() -> {
            b.leave();
            bWaits.leave();
        });
        assertThat(registry.get(WaitingLines.GAUGE).tag("upstream", "u").gauge().value()).isZero();
    }
}
