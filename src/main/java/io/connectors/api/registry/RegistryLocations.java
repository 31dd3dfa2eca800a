package io.connectors.api.registry;

import io.connectors.api.forward.UpstreamTarget;
import io.connectors.api.request.GatewayRoute;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;

/**
 * Where registry clients reach the gateway: its token endpoint (named in challenges) and the
 * registry route of a Connector ({@code Location}s into the registry point back there). The one
 * place that decides the gateway's public address, from the request's own scheme and Host today;
 * a configured public URL or path prefix plugs in at {@link #publicBase}.
 */
public final class RegistryLocations {

    /** The {@code service} of the gateway's challenges and tokens. */
    public static final String SERVICE = "connectors-api";
    public static final String TOKEN_PATH = "/v2/token";
    /** What an authority from a Host header may hold here, so that it can go in a quoted challenge parameter. */
    private static final Pattern AUTHORITY = Pattern.compile("[A-Za-z0-9.\\-:\\[\\]]+");

    private RegistryLocations() {
    }

    /** {@code scheme://authority} under which the caller reached the gateway. */
    public static String publicBase(HttpServerRequest request) {
        return (request.isSSL() ? "https" : "http") + "://" + authority(request);
    }

    /** The challenge that sends registry clients to the gateway's token endpoint. */
    public static String challenge(HttpServerRequest request) {
        return "Bearer realm=\"" + publicBase(request) + TOKEN_PATH + "\",service=\"" + SERVICE + "\"";
    }

    private static String authority(HttpServerRequest request) {
        HostAndPort authority = request.authority();
        String shown = authority == null ? null : authority.toString();
        if (shown == null || !AUTHORITY.matcher(shown).matches()) {
            io.vertx.core.net.SocketAddress local = request.localAddress();
            String host = local == null ? "localhost" : local.hostAddress();
            shown = (host.contains(":") ? "[" + host + "]" : host) + (local == null ? "" : ":" + local.port());
        }
        return shown;
    }

    public static ForRoute forRoute(HttpServerRequest request, GatewayRoute.Registry route, UpstreamTarget target) {
        HostAndPort inbound = request.authority();
        return new ForRoute(challenge(request), "/v2/namespaces/" + route.namespace() + "/connectors/" + route.name() + "/",
                target, inbound == null ? "" : inbound.toString());
    }

    /**
     * One request on a Connector's registry route. {@code inboundAuthority}: the caller's Host, which
     * the gateway passes to the registry as X-Forwarded-Host, so the registry may use it in its URLs.
     */
    public record ForRoute(String challenge, String routePrefix, UpstreamTarget target, String inboundAuthority) {

        /**
         * A {@code Location} into the registry's {@code /v2/} (relative, or absolute on the registry's or
         * the forwarded authority) as the same place under the route, path-absolute; any other unchanged
         * (a blob redirect to storage elsewhere stays as it is).
         */
        public String rewrite(String location) {
            URI uri;
            try {
                uri = new URI(location.trim());
            } catch (URISyntaxException e) {
                return location;
            }
            String path = uri.getRawPath();
            if (path == null || uri.isOpaque()) {
                return location;
            }
            if (uri.getScheme() != null || uri.getRawAuthority() != null) {
                String authority = uri.getRawAuthority() == null ? "" : uri.getRawAuthority();
                boolean registry = authority.equalsIgnoreCase(target.authority())
                        || authority.equalsIgnoreCase(target.host() + ":" + target.port());
                if (!registry && !authority.equalsIgnoreCase(inboundAuthority)) {
                    return location;
                }
            }
            String registryV2 = target.basePath() + "/v2/";
            if (!path.startsWith(registryV2)) {
                return location;
            }
            return routePrefix + path.substring(registryV2.length())
                    + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        }
    }
}
