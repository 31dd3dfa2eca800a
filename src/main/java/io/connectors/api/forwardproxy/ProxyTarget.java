package io.connectors.api.forwardproxy;

import io.connectors.api.errors.GatewayError;
import io.connectors.api.route.CanonicalPath;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * What a forward-proxy request asks for: the tool's scheme, host and port, and the path (canonical,
 * {@link CanonicalPath}: what is matched against a Connector's address prefix is what is sent) and
 * raw query. From an absolute-form request ({@code GET http://tool/x}), or a request inside a
 * {@code CONNECT} tunnel (origin-form, {@code https} to the tunnel's authority).
 */
public record ProxyTarget(boolean tls, String host, int port, String canonicalPath, String rawQuery) {

    public ProxyTarget {
        host = normalizedHost(host);
    }

    /** An absolute-form request URI ({@code http://host[:port]/path?query}); https is taken too. */
    public static ProxyTarget absolute(String requestUri) {
        URI uri;
        try {
            uri = new URI(requestUri);
        } catch (URISyntaxException e) {
            throw GatewayError.badRequest("the request target is not a valid absolute URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || !(scheme.equals("http") || scheme.equals("https"))) {
            throw GatewayError.badRequest("this is a forward proxy: send the tool's absolute http(s) URL"
                    + " (GET http://tool/path), or CONNECT host:port");
        }
        if (uri.getHost() == null || uri.getRawUserInfo() != null) {
            throw GatewayError.badRequest("the request target has no valid host");
        }
        boolean tls = scheme.equals("https");
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
        return new ProxyTarget(tls, uri.getHost(), port, canonical(uri.getRawPath()), uri.getRawQuery());
    }

    /** A request inside the tunnel to {@code authority}: origin-form ({@code /path?query}), over TLS. */
    public static ProxyTarget inTunnel(Authority authority, String requestUri) {
        if (requestUri == null || !requestUri.startsWith("/")) {
            // An absolute URI inside a tunnel could name another host than the certificate's.
            throw GatewayError.badRequest("inside a CONNECT tunnel, requests are in origin-form (/path)");
        }
        int question = requestUri.indexOf('?');
        String rawPath = question < 0 ? requestUri : requestUri.substring(0, question);
        String rawQuery = question < 0 ? null : requestUri.substring(question + 1);
        return new ProxyTarget(true, authority.host(), authority.port(), canonical(rawPath), rawQuery);
    }

    private static String canonical(String rawPath) {
        String path = rawPath == null || rawPath.isEmpty() ? "/" : rawPath;
        return CanonicalPath.of(path);
    }

    /** Lower-case, without IPv6 brackets: how hosts are compared. */
    static String normalizedHost(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return bare.toLowerCase(Locale.ROOT);
    }

    /** {@code host:port} of a CONNECT request ({@code [v6]:port} for IPv6); the port is required. */
    public record Authority(String host, int port) {

        public Authority {
            host = normalizedHost(host);
        }

        public static Authority parse(String authority) {
            if (authority == null) {
                throw GatewayError.badRequest("CONNECT needs host:port");
            }
            int colon = authority.lastIndexOf(':');
            if (colon <= 0 || authority.indexOf('/') >= 0 || authority.indexOf('@') >= 0) {
                throw GatewayError.badRequest("CONNECT needs host:port");
            }
            String host = authority.substring(0, colon);
            if (host.contains(":") && !(host.startsWith("[") && host.endsWith("]"))) {
                throw GatewayError.badRequest("CONNECT needs host:port (an IPv6 address in brackets)");
            }
            int port;
            try {
                port = Integer.parseInt(authority.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw GatewayError.badRequest("CONNECT needs host:port");
            }
            if (port < 1 || port > 65535 || normalizedHost(host).isEmpty()) {
                throw GatewayError.badRequest("CONNECT needs host:port");
            }
            try {
                // Only host characters: a name, an IPv4 or a bracketed IPv6 address.
                new URI("https", null, normalizedHost(host), port, null, null, null);
            } catch (URISyntaxException e) {
                throw GatewayError.badRequest("CONNECT needs host:port");
            }
            return new Authority(host, port);
        }

        @Override
        public String toString() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }
}
