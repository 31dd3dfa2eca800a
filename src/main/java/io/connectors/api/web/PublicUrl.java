package io.connectors.api.web;

import io.connectors.api.config.ConnectorsConfig;
import io.connectors.api.errors.GatewayError;
import io.connectors.api.request.TrustedProxies;
import io.quarkus.runtime.Startup;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The gateway's URL as its callers reach it — {@code scheme://host[:port][/prefix]} — for every URL
 * the gateway itself writes that points back at it: the {@code servers} of OpenAPI documents, any
 * {@code Location}. {@code connectors.public-url} when configured; otherwise the request's scheme and
 * Host, replaced by X-Forwarded-Proto, X-Forwarded-Host and X-Forwarded-Prefix only when they come
 * from a trusted proxy ({@link TrustedProxies}). Anything that cannot be part of a URL is refused,
 * never copied into one.
 */
@Startup
@ApplicationScoped
public class PublicUrl {

    /** A DNS name or IPv4 address, or a bracketed IPv6 address, and an optional port: nothing else goes in a URL. */
    private static final Pattern AUTHORITY = Pattern.compile("([A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+])(:[0-9]{1,5})?");
    /** Path segments of RFC 3986 characters (no quote, space, backslash, '?', '#'), percent-escapes well formed. */
    private static final Pattern PREFIX = Pattern.compile("(/([A-Za-z0-9._~!$&'()*+,;=:@-]|%[0-9A-Fa-f]{2})+)*/?");

    private final Optional<String> configured;
    private final TrustedProxies trusted;

    @Inject
    PublicUrl(ConnectorsConfig config, TrustedProxies trusted) {
        this(config.publicUrl(), trusted);
    }

    public PublicUrl(Optional<String> publicUrl, TrustedProxies trusted) {
        this.configured = publicUrl.filter(url -> !url.isBlank()).map(PublicUrl::validated);
        this.trusted = trusted;
    }

    /**
     * {@code connectors.public-url}, validated, without a trailing slash, when configured: the only
     * base there is for URLs written outside a request (the status writer's proxy addresses).
     */
    public Optional<String> configured() {
        return configured;
    }

    /** {@code scheme://host[:port][/prefix]}, without a trailing slash; an absolute path is appended as is. */
    public String base(HttpServerRequest request) {
        if (configured.isPresent()) {
            return configured.get();
        }
        HostAndPort authority = request.authority();
        return base(request.scheme(), authority == null ? null : authority.toString(), request.headers(),
                trusted.trusts(request));
    }

    /** The public URL of one of the gateway's own paths ({@code /connectors/...}), e.g. for a Location. */
    public String of(HttpServerRequest request, String absolutePath) {
        return base(request) + absolutePath;
    }

    /** The same from parts: {@code forwardedTrusted} says whether the X-Forwarded-* headers may be read. */
    static String base(String requestScheme, String requestAuthority, MultiMap headers, boolean forwardedTrusted) {
        String scheme = requestScheme == null ? "http" : requestScheme;
        String host = requestAuthority;
        String prefix = "";
        if (forwardedTrusted) {
            String proto = firstValue(headers.get("X-Forwarded-Proto"));
            if (proto != null && (proto.equalsIgnoreCase("http") || proto.equalsIgnoreCase("https"))) {
                scheme = proto.toLowerCase(Locale.ROOT);
            }
            String forwardedHost = firstValue(headers.get("X-Forwarded-Host"));
            if (forwardedHost != null) {
                host = forwardedHost;
            }
            String forwardedPrefix = firstValue(headers.get("X-Forwarded-Prefix"));
            if (forwardedPrefix != null) {
                prefix = prefix(forwardedPrefix);
            }
        }
        if (host == null || !AUTHORITY.matcher(host).matches()) {
            throw GatewayError.badRequest("the request has no valid Host header");
        }
        return scheme + "://" + host + prefix;
    }

    /** A path prefix without its trailing slash ("" for "/"); a dot segment or a character outside a path is refused. */
    private static String prefix(String value) {
        if (!PREFIX.matcher(value).matches() || hasDotSegment(value)) {
            throw GatewayError.badRequest("invalid X-Forwarded-Prefix");
        }
        return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
    }

    private static boolean hasDotSegment(String path) {
        for (String segment : path.split("/")) {
            String decoded = segment.replaceAll("(?i)%2e", ".");
            if (decoded.equals(".") || decoded.equals("..")) {
                return true;
            }
        }
        return false;
    }

    /** The first of a comma-separated list: the value the outermost proxy set. */
    private static String firstValue(String header) {
        if (header == null) {
            return null;
        }
        String first = header.split(",", 2)[0].trim();
        return first.isEmpty() ? null : first;
    }

    /** An absolute http(s) URL with a host, no user info, query or fragment; its trailing slash dropped. */
    static String validated(String url) {
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("connectors.public-url is not a URL: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getRawAuthority() == null
                || !AUTHORITY.matcher(uri.getRawAuthority()).matches() || uri.getRawQuery() != null
                || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("connectors.public-url must be http(s)://host[:port][/path],"
                    + " without user info, query or fragment");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (!PREFIX.matcher(path).matches() || hasDotSegment(path)) {
            throw new IllegalArgumentException("connectors.public-url has an invalid path");
        }
        String base = scheme + "://" + uri.getRawAuthority() + path;
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }
}
