package io.connectors.api.web;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/** {@code X-Request-Id}: the caller's when it is well-formed, else a new one. */
final class RequestIds {

    private static final Pattern WELL_FORMED = Pattern.compile("[A-Za-z0-9._:+/=-]{1,128}");

    private RequestIds() {
    }

    static String accept(String inbound) {
        return inbound != null && WELL_FORMED.matcher(inbound).matches() ? inbound : newId();
    }

    /**
     * A random (version 4) UUID from the thread's own generator: an id to find a request by, not a
     * secret, so it needs no SecureRandom, whose lock every event loop would queue on.
     */
    static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }
}
