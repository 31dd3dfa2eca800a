package io.connectors.api.web;

import io.connectors.api.errors.GatewayError;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * {@code scheme://host[:port]} as the caller reached the gateway, for documents that point back at
 * it. X-Forwarded-Proto/Host count only when the gateway is configured to trust them.
 */
final class RequestBase {

    /** A DNS name or IPv4 address, or a bracketed IPv6 address, and an optional port: nothing else goes in a URL. */
    private static final Pattern AUTHORITY = Pattern.compile("([A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+])(:[0-9]{1,5})?");

    private RequestBase() {
    }

    static String of(HttpServerRequest request, boolean trustForwarded) {
        String scheme = request.scheme() == null ? "http" : request.scheme();
        HostAndPort authority = request.authority();
        String host = authority == null ? null : authority.toString();
        if (trustForwarded) {
            String proto = firstValue(request.getHeader("X-Forwarded-Proto"));
            if (proto != null && (proto.equalsIgnoreCase("http") || proto.equalsIgnoreCase("https"))) {
                scheme = proto.toLowerCase(Locale.ROOT);
            }
            String forwardedHost = firstValue(request.getHeader("X-Forwarded-Host"));
            if (forwardedHost != null) {
                host = forwardedHost;
            }
        }
        if (host == null || !AUTHORITY.matcher(host).matches()) {
            throw GatewayError.badRequest("the request has no valid Host header");
        }
        return scheme + "://" + host;
    }

    /** The first of a comma-separated list: the value the outermost proxy set. */
    private static String firstValue(String header) {
        if (header == null) {
            return null;
        }
        String first = header.split(",", 2)[0].trim();
        return first.isEmpty() ? null : first;
    }
}
