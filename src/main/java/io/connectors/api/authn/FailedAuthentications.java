package io.connectors.api.authn;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.connectors.api.config.ConnectorsConfig;
import io.connectors.api.errors.GatewayError;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Failed authentications per client address, counted per minute. Random tokens are all cache
 * misses, each one a TokenReview: past the limit, an address gets 429 for the rest of its minute
 * without any review, while tokens the gateway already knows to be valid still pass.
 */
@ApplicationScoped
public class FailedAuthentications {

    private static final Duration WINDOW = Duration.ofMinutes(1);

    private final int maxPerMinute;
    /** Address → failures in the current window; an entry (and so the window) starts with its first failure. */
    private final Cache<String, AtomicInteger> failures;

    @Inject
    FailedAuthentications(ConnectorsConfig config) {
        this(config.auth().maxFailuresPerMinute());
    }

    FailedAuthentications(int maxPerMinute) {
        this.maxPerMinute = maxPerMinute;
        // Bounded, so that a spray of addresses cannot grow it without end.
        this.failures = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(WINDOW).build();
    }

    /** Refuses (429) an address that has failed too often in its current minute; 0 turns the limit off. */
    public void refuseIfLimited(String address) {
        if (maxPerMinute <= 0) {
            return;
        }
        AtomicInteger count = failures.getIfPresent(address);
        if (count != null && count.get() >= maxPerMinute) {
            throw GatewayError.tooManyRequests("too many failed authentications from this address; try again later",
                    (int) WINDOW.toSeconds());
        }
    }

    public void failed(String address) {
        if (maxPerMinute > 0) {
            failures.get(address, a -> new AtomicInteger()).incrementAndGet();
        }
    }
}
