package io.connectors.api.forward;

import io.connectors.api.config.ConnectorsConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The requests each upstream (scheme, host, port) is busy with — holding a pooled connection or
 * waiting for one — counted by the gateway itself and bounded by the pool size plus
 * {@code max-waiting-requests}. A caller who leaves frees its place at once: the HTTP client's
 * own wait queue keeps a request until its turn even when its caller has gone, so after a burst
 * of callers who gave up it would look full to new callers for a while.
 */
@ApplicationScoped
public class WaitingLines {

    private final int maxPlaces;
    private final ConcurrentHashMap<String, AtomicInteger> lines = new ConcurrentHashMap<>();

    @Inject
    WaitingLines(ConnectorsConfig config) {
        this(config.proxy().maxPoolSize() + config.proxy().maxWaitingRequests());
    }

    WaitingLines(int maxPlaces) {
        this.maxPlaces = maxPlaces;
    }

    /** A place at {@code upstream}, or none when every connection is busy and the waiting line is full. */
    Place enter(String upstream) {
        AtomicInteger line = lines.computeIfAbsent(upstream, key -> new AtomicInteger());
        if (line.incrementAndGet() > maxPlaces) {
            line.decrementAndGet();
            return null;
        }
        return new Place(line);
    }

    // Lines are kept once made: there is one per upstream address that Connectors and classes name,
    // a number their writers choose, not callers.

    /** One request's place, given back once, when its exchange is over (answered, failed, or its caller gone). */
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
                line.decrementAndGet();
            }
        }
    }
}
