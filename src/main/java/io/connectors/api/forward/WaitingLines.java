package io.connectors.api.forward;

import io.connectors.api.config.ConnectorsConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many requests wait for a connection to each upstream (scheme, host, port), counted by the
 * gateway itself: a caller who leaves frees its place at once. The HTTP client's own wait queue
 * keeps a request until its turn even when its caller has gone, so a burst of callers who gave
 * up would otherwise fill the line and have new callers refused for a while.
 */
@ApplicationScoped
public class WaitingLines {

    private final int maxWaiting;
    private final ConcurrentHashMap<String, AtomicInteger> lines = new ConcurrentHashMap<>();

    WaitingLines(ConnectorsConfig config) {
        this.maxWaiting = config.proxy().maxWaitingRequests();
    }

    /** A place in the line of {@code upstream}, or none when the line is full. */
    Place enter(String upstream) {
        AtomicInteger line = lines.computeIfAbsent(upstream, key -> new AtomicInteger());
        if (line.incrementAndGet() > maxWaiting) {
            leave(line);
            return null;
        }
        return new Place(line);
    }

    // Lines are kept once made: there is one per upstream address that Connectors and classes name,
    // a number their writers choose, not callers.
    private static void leave(AtomicInteger line) {
        line.decrementAndGet();
    }

    /** One request's place; left once, whichever comes first: a connection, a failure, or the caller leaving. */
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
                WaitingLines.leave(line);
            }
        }
    }
}
