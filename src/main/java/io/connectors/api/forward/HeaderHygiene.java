package io.connectors.api.forward;

import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What crosses the gateway, header by header. Hop-by-hop headers and every header named in
 * {@code Connection:} go first, so that a caller cannot name the credentials we inject and have
 * them dropped downstream (CVE-2021-33197); then the caller's own credentials go.
 */
public final class HeaderHygiene {

    private static final Set<String> HOP_BY_HOP = Set.of(
            "connection", "keep-alive", "te", "trailer", "trailers", "transfer-encoding", "upgrade",
            "proxy-connection", "proxy-authenticate", "proxy-authorization");

    private static final Set<String> CALLER_CREDENTIALS = Set.of("authorization", "cookie", "proxy-authorization");

    private static final Set<String> FORWARDED = Set.of(
            "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-forwarded-port", "forwarded");

    public static final String REQUEST_ID = "X-Request-Id";

    private HeaderHygiene() {
    }

    /** Cleans a request on its way to a tool or a custom API. */
    public static void sanitizeRequest(MultiMap headers, boolean trustForwarded) {
        removeHopByHop(headers);
        List<String> names = new ArrayList<>(headers.names());
        for (String name : names) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (CALLER_CREDENTIALS.contains(lower)
                    || lower.startsWith("x-plugin-")
                    || lower.startsWith("x-remote-")
                    || (!trustForwarded && FORWARDED.contains(lower))) {
                headers.remove(name);
            }
        }
    }

    /** Cleans a tool's response on its way back to the caller. */
    public static void sanitizeResponse(MultiMap headers, boolean passSetCookie) {
        removeHopByHop(headers);
        headers.remove(REQUEST_ID);
        if (!passSetCookie) {
            headers.remove("set-cookie");
            headers.remove("set-cookie2");
        }
    }

    static void removeHopByHop(MultiMap headers) {
        for (String connection : headers.getAll("connection")) {
            for (String token : connection.split(",")) {
                String named = token.trim();
                if (!named.isEmpty()) {
                    headers.remove(named);
                }
            }
        }
        List<String> names = new ArrayList<>(headers.names());
        for (String name : names) {
            if (HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                headers.remove(name);
            }
        }
    }
}
