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
import java.util.HashMap;
import java.util.Map;
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
 * <p>An upstream is shared by every Connector that names it, whoever wrote them: one Connector's
 * callers must not take all of it. So each Connector holds at most its share of the places
 * ({@code max-pool-size-per-connector}) and of the line (the same fraction of
 * {@code max-waiting-requests}); a freed place goes to the Connectors with waiters in turn, and
 * within one Connector to its callers in the order they came.
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
    private final int shareBusy;
    private final int shareWaiting;
    private final long waitMillis;
    private final ConcurrentHashMap<String, Line> lines = new ConcurrentHashMap<>();

    @Inject
    WaitingLines(Vertx vertx, ConnectorsConfig config, MeterRegistry registry) {
        this(vertx, registry, config.proxy().maxPoolSize(), config.proxy().maxWaitingRequests(),
                config.proxy().maxPoolSizePerConnector().orElse(defaultShare(config.proxy().maxPoolSize())),
                config.proxy().poolWaitTimeout().toMillis());
    }

    /**
     * Half the places by default: a Connector alone at a tool still gets half its connections, and
     * whatever one Connector does, the other half stays for the rest (several busy Connectors then
     * share it in turn). A smaller share would slow a lone heavy user for nothing; a larger one
     * leaves the others less.
     */
    static int defaultShare(int maxPoolSize) {
        return Math.max(1, maxPoolSize / 2);
    }

    /** {@code shareBusy}: the places one Connector may hold at one upstream (at most {@code maxBusy}). */
    WaitingLines(Vertx vertx, MeterRegistry registry, int maxBusy, int maxWaiting, int shareBusy, long waitMillis) {
        this.vertx = vertx;
        this.registry = registry;
        this.maxBusy = maxBusy;
        this.maxWaiting = maxWaiting;
        this.shareBusy = Math.max(1, Math.min(shareBusy, maxBusy));
        // The line is shared in the same proportion as the places, rounded up: a Connector with a
        // place may also have someone waiting (unless the line has no room at all).
        this.shareWaiting = (int) Math.min(maxWaiting, ((long) maxWaiting * this.shareBusy + maxBusy - 1) / Math.max(1, maxBusy));
        this.waitMillis = waitMillis;
    }

    /**
     * A place at {@code upstream} for a call through {@code connector} ({@code namespace/name}): at
     * once when the upstream is not busy and the Connector holds less than its share, after a wait
     * otherwise, or a 503 when the line (or the Connector's share of it) is full or the wait ran out.
     * Called on the request's event loop; the future completes there. {@code name} is how the
     * upstream is called in the answer.
     */
    Place enter(String upstream, String connector, String name) {
        Line line = lines.computeIfAbsent(upstream, this::newLine);
        Place place;
        synchronized (line) {
            Share share = line.shares.computeIfAbsent(connector, Share::new);
            place = new Place(line, share, Vertx.currentContext());
            // Within one Connector, first come first served: nobody overtakes its own waiters.
            if (line.busy < maxBusy && share.busy < shareBusy && share.waiting.isEmpty()) {
                line.busy++;
                share.busy++;
                place.state = Place.HOLDING;
                place.turn.complete();
                return place;
            }
            if (line.waitingCount >= maxWaiting || share.waiting.size() >= shareWaiting) {
                place.state = Place.LEFT;
                line.forgetIfIdle(share);
                place.turn.fail(GatewayError.unavailable("too many requests are waiting for " + name + "; try again later"));
                return place;
            }
            line.enqueue(place);
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

    /**
     * Per upstream: the calls under way and those waiting, by Connector. Guarded by itself. A
     * Connector's share is kept only while it holds or waits for a place, so a line's memory follows
     * its load, not every Connector that ever called.
     */
    private final class Line {
        private int busy;
        private int waitingCount;
        private final Map<String, Share> shares = new HashMap<>();
        /** The Connectors with waiters, in the order they are served next: the head is next. */
        private final ArrayDeque<Share> turns = new ArrayDeque<>();

        synchronized double places() {
            return busy + waitingCount;
        }

        void enqueue(Place place) {
            if (place.share.waiting.isEmpty()) {
                turns.addLast(place.share);
            }
            place.share.waiting.addLast(place);
            waitingCount++;
        }

        void stopWaiting(Place place) {
            if (place.share.waiting.remove(place)) {
                waitingCount--;
                if (place.share.waiting.isEmpty()) {
                    turns.remove(place.share);
                }
            }
            forgetIfIdle(place.share);
        }

        /**
         * The next waiter to admit now that a place is free: the first Connector in turn that is
         * below its share gives its oldest waiter, and goes to the back of the turns. Null when
         * nobody waits who may go ahead. Counts the place as taken.
         */
        Place next() {
            if (busy >= maxBusy) {
                return null;
            }
            for (int i = turns.size(); i > 0; i--) {
                Share share = turns.pollFirst();
                if (share.busy >= shareBusy) {
                    turns.addLast(share);
                    continue;
                }
                Place next = share.waiting.pollFirst();
                waitingCount--;
                if (!share.waiting.isEmpty()) {
                    turns.addLast(share);
                }
                busy++;
                share.busy++;
                next.state = Place.HOLDING;
                return next;
            }
            return null;
        }

        void forgetIfIdle(Share share) {
            if (share.busy == 0 && share.waiting.isEmpty()) {
                shares.remove(share.connector);
            }
        }
    }

    /** One Connector's part of a line: its calls under way and its waiters, oldest first. */
    private static final class Share {
        private final String connector;
        private int busy;
        private final ArrayDeque<Place> waiting = new ArrayDeque<>();

        Share(String connector) {
            this.connector = connector;
        }
    }

    /** One call's place: waiting, then holding, then left (once). */
    final class Place {
        private static final int WAITING = 0;
        private static final int HOLDING = 1;
        private static final int LEFT = 2;

        private final Line line;
        private final Share share;
        private final Context context;
        private final Promise<Void> turn = Promise.promise();
        private int state = WAITING;
        private long timer = -1;

        private Place(Line line, Share share, Context context) {
            this.line = line;
            this.share = share;
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
                    line.stopWaiting(this);
                } else if (state == HOLDING) {
                    line.busy--;
                    share.busy--;
                    line.forgetIfIdle(share);
                    next = line.next();
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
                line.stopWaiting(this);
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
