package io.connectors.api.forward;

import io.connectors.api.config.ConnectorsConfig;
import io.connectors.api.errors.GatewayError;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many calls each upstream (scheme, host, port) is busy with, across all event loops: at most
 * {@code max-pool-size} at once; past that a call waits its turn in a line of at most
 * {@code max-waiting-requests}, for at most {@code pool-wait-timeout}, and is told 503 when the
 * line is full or its wait is over. The gateway keeps this count itself, not the HTTP client's
 * pool: each event loop has its own client ({@link UpstreamClients}), and a caller who leaves must
 * free its place at once — a client's own queue keeps a request until its turn even when its caller
 * has gone.
 *
 * <p>The places taken at each upstream, busy or waiting, are the gauge
 * {@code connectors.upstream.calls} (Prometheus {@code connectors_upstream_calls}): it must fall
 * back to 0 once the load stops. A place that is never given back would, one by one, wedge an
 * upstream for every caller; the soak and benchmark scripts check the gauge after their load.
 */
@Singleton
public class WaitingLines {

    static final String GAUGE = "connectors.upstream.calls";

    private final Vertx vertx;
    private final MeterRegistry registry;
    private final int maxBusy;
    private final int maxWaiting;
    private final long waitMillis;
    private final ConcurrentHashMap<String, Line> lines = new ConcurrentHashMap<>();

    @Inject
    WaitingLines(Vertx vertx, ConnectorsConfig config, MeterRegistry registry) {
        this(vertx, registry, config.proxy().maxPoolSize(), config.proxy().maxWaitingRequests(),
                config.proxy().poolWaitTimeout().toMillis());
    }

    WaitingLines(Vertx vertx, MeterRegistry registry, int maxBusy, int maxWaiting, long waitMillis) {
        this.vertx = vertx;
        this.registry = registry;
        this.maxBusy = maxBusy;
        this.maxWaiting = maxWaiting;
        this.waitMillis = waitMillis;
    }

    /**
     * A place at {@code upstream}: at once when it is not busy, after a wait when it is, or a 503
     * when the line is full or the wait ran out. Called on the request's event loop; the future
     * completes there. {@code name} is how the upstream is called in the answer.
     */
    Place enter(String upstream, String name) {
        Line line = lines.computeIfAbsent(upstream, this::newLine);
        Place place = new Place(line, Vertx.currentContext());
        synchronized (line) {
            if (line.busy < maxBusy) {
                line.busy++;
                place.state = Place.HOLDING;
                place.turn.complete();
                return place;
            }
            if (line.waiting.size() >= maxWaiting) {
                place.state = Place.LEFT;
                place.turn.fail(GatewayError.unavailable("too many requests are waiting for " + name + "; try again later"));
                return place;
            }
            line.waiting.addLast(place);
        }
        place.timer = vertx.setTimer(Math.max(1, waitMillis), id -> place.waitedTooLong(name));
        return place;
    }

    // Lines are kept once made: there is one per upstream address that Connectors and classes name,
    // a number their writers choose, not callers (the same holds for the gauge's label).
    private Line newLine(String upstream) {
        Line line = new Line();
        Gauge.builder(GAUGE, line, Line::places)
                .description("Requests to an upstream under way or waiting for their turn")
                .tag("upstream", upstream)
                .strongReference(true)
                .register(registry);
        return line;
    }

    /** Per upstream: the calls under way and those waiting for one to end. Guarded by itself. */
    private static final class Line {
        private int busy;
        private final ArrayDeque<Place> waiting = new ArrayDeque<>();

        synchronized double places() {
            return busy + waiting.size();
        }
    }

    /** One call's place: waiting, then holding, then left (once). */
    final class Place {
        private static final int WAITING = 0;
        private static final int HOLDING = 1;
        private static final int LEFT = 2;

        private final Line line;
        private final Context context;
        private final Promise<Void> turn = Promise.promise();
        private int state = WAITING;
        private long timer = -1;

        private Place(Line line, Context context) {
            this.line = line;
            this.context = context;
        }

        /** Completes when the call may go ahead; fails with a 503 Status. */
        Future<Void> turn() {
            return turn.future();
        }

        /** Answered, failed or abandoned: the place goes to the next caller now. Safe to call more than once. */
        void leave() {
            Place next = null;
            boolean wasWaiting;
            synchronized (line) {
                wasWaiting = state == WAITING;
                if (wasWaiting) {
                    line.waiting.remove(this);
                } else if (state == HOLDING) {
                    next = line.waiting.pollFirst();
                    if (next == null) {
                        line.busy--;
                    } else {
                        next.state = HOLDING; // the busy count passes on unchanged
                    }
                }
                state = LEFT;
            }
            cancelTimer();
            if (wasWaiting) {
                turn.tryFail(GatewayError.badGateway("the caller went away while waiting for a connection"));
            }
            if (next != null) {
                next.admitted();
            }
        }

        private void waitedTooLong(String name) {
            synchronized (line) {
                if (state != WAITING) {
                    return;
                }
                line.waiting.remove(this);
                state = LEFT;
            }
            turn.tryFail(GatewayError.unavailable("no connection to " + name + " became free in time; try again later"));
        }

        // On the waiter's own event loop: its request and its upstream connection live there.
        private void admitted() {
            Runnable go = () -> {
                cancelTimer();
                turn.tryComplete();
            };
            if (context == null) {
                go.run();
            } else {
                context.runOnContext(v -> go.run());
            }
        }

        private void cancelTimer() {
            long id = timer;
            if (id >= 0) {
                timer = -1;
                vertx.cancelTimer(id);
            }
        }
    }
}
