package io.connectors.api.web;

import java.util.UUID;
import java.util.regex.Pattern;

/** {@code X-Request-Id}: the caller's when it is well-formed, else a new one. */
final class RequestIds {

    private static final Pattern WELL_FORMED = Pattern.compile("[A-Za-z0-9._:+/=-]{1,128}");

    private RequestIds() {
    }

    static String accept(String inbound) {
        return inbound != null && WELL_FORMED.matcher(inbound).matches() ? inbound : UUID.randomUUID().toString();
    }
}
