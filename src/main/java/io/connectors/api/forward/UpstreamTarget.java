package io.connectors.api.forward;

import io.connectors.api.errors.GatewayError;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Where a request goes: scheme, host, port and the base path the tool's address carries
 * (e.g. {@code https://host/gitlab}). The caller's raw api-path and query are appended as they came.
 */
public record UpstreamTarget(boolean tls, String host, int port, String basePath) {

    public static UpstreamTarget parse(String address, String what) {
        if (address == null || address.isBlank()) {
            throw GatewayError.badRequest(what + " is empty");
        }
        URI uri;
        try {
            uri = new URI(address.trim());
        } catch (URISyntaxException e) {
            throw GatewayError.badRequest(what + " is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw GatewayError.badRequest(what + " is not an http(s) URL");
        }
        if (uri.getHost() == null || uri.getRawUserInfo() != null) {
            throw GatewayError.badRequest(what + " has no valid host");
        }
        boolean tls = scheme.equals("https");
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new UpstreamTarget(tls, host, port, path);
    }

    /** The request URI at the tool: base path + api-path (raw) + "?" + raw query. */
    public String requestUri(String rawApiPath, String rawQuery) {
        String path = basePath + (rawApiPath == null ? "" : rawApiPath);
        if (path.isEmpty()) {
            path = "/";
        }
        return rawQuery == null ? path : path + "?" + rawQuery;
    }

    /** The authority as a Host header shows it. */
    public String authority() {
        String shown = host.contains(":") ? "[" + host + "]" : host;
        boolean defaultPort = tls ? port == 443 : port == 80;
        return defaultPort ? shown : shown + ":" + port;
    }

    public String origin() {
        return (tls ? "https://" : "http://") + authority();
    }
}
