package io.connectors.api.forward.registry;

import java.time.Duration;

/** A token a registry's token service issued, and how long it may be used from when it was received. */
public record RegistryToken(String value, Duration lifetime) {

    /** What token services mean when they omit {@code expires_in} (distribution's token spec). */
    public static final Duration DEFAULT_LIFETIME = Duration.ofSeconds(60);

    /** How long to keep it: a margin before it expires (a tenth, at most 30 s), so none is sent stale. */
    public Duration usableFor() {
        Duration margin = lifetime.dividedBy(10);
        if (margin.compareTo(Duration.ofSeconds(30)) > 0) {
            margin = Duration.ofSeconds(30);
        }
        Duration usable = lifetime.minus(margin);
        return usable.isNegative() ? Duration.ZERO : usable;
    }

    @Override
    public String toString() {
        return "RegistryToken[lifetime=" + lifetime + "]";
    }
}
