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
            "proxy-connection", "proxy-authenticate", "proxy-authorization", "http2-settings");

    private static final Set<String> CALLER_CREDENTIALS = Set.of("authorization", "cookie", "proxy-authorization");

    /**
     * Headers by which a caller could claim an identity or a role the tool (or a custom API) would
     * believe: Kubernetes impersonation (a kube-apiserver behind a Connector acts on it),
     * authenticating proxies' user headers, our own X-Plugin-* — never forwarded, trusted proxies or not.
     */
    private static final List<String> IDENTITY_PREFIXES = List.of("impersonate-", "x-remote-", "x-auth-request-",
            "x-plugin-");
    private static final Set<String> IDENTITY = Set.of("x-forwarded-user", "x-forwarded-email", "x-forwarded-groups",
            "x-forwarded-preferred-username", "x-forwarded-access-token");

    /** What a proxy says about the original request; a tool builds its own URLs from X-Forwarded-Prefix too. */
    private static final Set<String> FORWARDED = Set.of(
            "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-forwarded-port", "x-forwarded-prefix",
            "forwarded");

    public static final String REQUEST_ID = "X-Request-Id";

    private HeaderHygiene() {
    }

    /**
     * Header names configured to be stripped as well ({@code connectors.proxy.strip-request-headers}):
     * exact names, or prefixes written with a trailing {@code *}; case-insensitive.
     */
    public record Denied(Set<String> names, List<String> prefixes) {

        public static final Denied NONE = new Denied(Set.of(), List.of());

        public static Denied of(List<String> configured) {
            Set<String> names = new java.util.HashSet<>();
            List<String> prefixes = new ArrayList<>();
            for (String entry : configured) {
                String lower = entry.trim().toLowerCase(Locale.ROOT);
                if (lower.endsWith("*")) {
                    prefixes.add(lower.substring(0, lower.length() - 1));
                } else if (!lower.isEmpty()) {
                    names.add(lower);
                }
            }
            return new Denied(Set.copyOf(names), List.copyOf(prefixes));
        }

        boolean matches(String lowerName) {
            return names.contains(lowerName) || prefixes.stream().anyMatch(lowerName::startsWith);
        }
    }

    /** Cleans a request on its way to a tool or a custom API. */
    public static void sanitizeRequest(MultiMap headers, boolean trustForwarded, Denied denied) {
        removeHopByHop(headers);
        // The gateway answers a caller's "Expect: 100-continue" itself, once it calls the tool
        // (UpstreamCall); the tool then gets the body at once, with nothing to expect.
        headers.remove("expect");
        List<String> names = new ArrayList<>(headers.names());
        for (String name : names) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (CALLER_CREDENTIALS.contains(lower)
                    || IDENTITY.contains(lower)
                    || IDENTITY_PREFIXES.stream().anyMatch(lower::startsWith)
                    || (!trustForwarded && FORWARDED.contains(lower))
                    || denied.matches(lower)) {
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
