package io.connectors.api.forward;

import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What crosses the gateway, header by header. Hop-by-hop headers and every header named in
 * {@code Connection:} go first, so that a caller cannot name the credentials we inject and have
 * them dropped downstream (CVE-2021-33197); then the caller's own credentials, claimed identities,
 * method overrides and (unless from a trusted proxy) forwarding headers go, in any spelling.
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

    /**
     * What a proxy says about the original request — the client's address, scheme, host, port, path
     * or URL — in every spelling tools are known to read (a tool builds its URLs from
     * X-Forwarded-Prefix, trusts X-Real-IP for rate limits, routes on X-Original-URL): passed on only
     * from a trusted proxy ({@code request/TrustedProxies}). Any other {@code X-Forwarded-*} too.
     */
    private static final Set<String> FORWARDED = Set.of("forwarded", "x-forwarded", "x-real-ip", "x-client-ip",
            "true-client-ip", "x-cluster-client-ip", "x-original-url", "x-original-uri", "x-rewrite-url",
            "x-original-host", "x-host");
    private static final String FORWARDED_PREFIX = "x-forwarded-";

    /**
     * Method overrides are removed rather than authorised: the gateway authorises the request's own
     * method, and a tool that honoured an override would execute another one (a GET let through as a
     * read, executed as a DELETE). Treating them as writes instead would leave the gateway guessing
     * which verb the tool acts on (a POST overridden to DELETE: create or delete?); as the gateway
     * forwards every method as it is, no client needs to tunnel one through another.
     */
    private static final Set<String> METHOD_OVERRIDES = Set.of("x-http-method-override", "x-http-method",
            "x-method-override");

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
                String lower = canonicalName(entry.trim());
                if (lower.endsWith("*")) {
                    prefixes.add(lower.substring(0, lower.length() - 1));
                } else if (!lower.isEmpty()) {
                    names.add(lower);
                }
            }
            return new Denied(Set.copyOf(names), List.copyOf(prefixes));
        }

        boolean matches(String canonicalName) {
            return names.contains(canonicalName) || prefixes.stream().anyMatch(canonicalName::startsWith);
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
            String canonical = canonicalName(name);
            // CGI, WSGI, Rack and PHP read X_Forwarded_For as X-Forwarded-For, so each rule applies to
            // both spellings; no proxy writes the underscore one, so that one never passes as a proxy's.
            boolean underscored = name.indexOf('_') >= 0;
            if (CALLER_CREDENTIALS.contains(canonical)
                    || IDENTITY.contains(canonical)
                    || IDENTITY_PREFIXES.stream().anyMatch(canonical::startsWith)
                    || METHOD_OVERRIDES.contains(canonical)
                    || (isForwarding(canonical) && (!trustForwarded || underscored))
                    || denied.matches(canonical)) {
                headers.remove(name);
            }
        }
    }

    private static boolean isForwarding(String canonicalName) {
        return FORWARDED.contains(canonicalName) || canonicalName.startsWith(FORWARDED_PREFIX);
    }

    /** A header name as the rules compare it: lower case, {@code _} read as {@code -}. */
    private static String canonicalName(String name) {
        return name.toLowerCase(Locale.ROOT).replace('_', '-');
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
