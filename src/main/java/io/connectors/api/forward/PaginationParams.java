package io.connectors.api.forward;

import io.connectors.api.errors.GatewayError;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Checks the custom API's pagination parameters (seed 001: {@code page} and {@code itemsPerPage}
 * are ints) before anything is forwarded. It only reads the raw query: what goes upstream is the
 * query exactly as it came.
 */
public final class PaginationParams {

    private static final Set<String> NAMES = Set.of("page", "itemsPerPage");
    /** Longest decimal int ("2147483647"); longer is out of range without parsing. */
    private static final int MAX_DIGITS = 10;

    private PaginationParams() {
    }

    public static void check(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return;
        }
        for (String pair : rawQuery.split("&")) {
            int equals = pair.indexOf('=');
            String rawName = equals < 0 ? pair : pair.substring(0, equals);
            String name = decode(rawName);
            if (!NAMES.contains(name == null ? rawName : name)) {
                continue;
            }
            String value = equals < 0 ? null : decode(pair.substring(equals + 1));
            if (!isNonNegativeInt(value)) {
                throw GatewayError.badRequest("query parameter " + (name == null ? rawName : name)
                        + " must be a non-negative integer");
            }
        }
    }

    static boolean isNonNegativeInt(String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_DIGITS) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                return false;
            }
        }
        return Long.parseLong(value) <= Integer.MAX_VALUE;
    }

    /** Form-decoded, as a custom API's query parser would read it; null when malformed. */
    private static String decode(String raw) {
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
