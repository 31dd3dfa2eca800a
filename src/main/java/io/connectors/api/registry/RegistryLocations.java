package io.connectors.api.registry;

import io.connectors.api.forward.UpstreamTarget;
import io.connectors.api.request.GatewayRoute;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.connectors.api.web.PublicUrl;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * Where registry clients reach the gateway: its token endpoint (named in challenges, where docker
 * and containerd send the caller's Kubernetes token) and the registry route of a Connector
 * ({@code Location}s into the registry point back there). Both are the gateway's public URL from
 * {@link PublicUrl}, the one builder of the URLs the gateway writes: {@code connectors.public-url},
 * else the request's scheme and Host as a trusted proxy's X-Forwarded-* correct them. Never the
 * connection's own scheme alone: behind a TLS-terminating proxy that is http, and the token would
 * then be sent in clear text.
 */
@ApplicationScoped
public class RegistryLocations {

    /** The {@code service} of the gateway's challenges and tokens. */
    public static final String SERVICE = "connectors-api";
    public static final String TOKEN_PATH = "/v2/token";

    private final PublicUrl publicUrl;

    RegistryLocations(PublicUrl publicUrl) {
        this.publicUrl = publicUrl;
    }

    /**
     * The challenge that sends registry clients to the gateway's token endpoint. PublicUrl lets
     * nothing into the URL that could break out of the quoted parameter.
     *
     * @throws io.connectors.api.errors.GatewayError 400 when the request names no valid public host
     */
    public String challenge(HttpServerRequest request) {
        return challengeAt(publicUrl.base(request));
    }

    private static String challengeAt(String publicBase) {
        return "Bearer realm=\"" + publicBase + TOKEN_PATH + "\",service=\"" + SERVICE + "\"";
    }

    public ForRoute forRoute(HttpServerRequest request, GatewayRoute.Registry route, UpstreamTarget target) {
        String publicBase = publicUrl.base(request);
        HostAndPort inbound = request.authority();
        return new ForRoute(challengeAt(publicBase), publicBase,
                "/v2/namespaces/" + route.namespace() + "/connectors/" + route.name() + "/",
                target, inbound == null ? "" : inbound.toString());
    }

    /**
     * One request on a Connector's registry route. {@code publicBase}: the gateway's public URL for this
     * request; {@code inboundAuthority}: the caller's Host, which the gateway passes to the registry as
     * X-Forwarded-Host (unless a trusted proxy set one), so the registry may use either in its URLs.
     */
    public record ForRoute(String challenge, String publicBase, String routePrefix, UpstreamTarget target,
            String inboundAuthority) {

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
                if (!registry && !authority.equalsIgnoreCase(inboundAuthority)
                        && !authority.equalsIgnoreCase(URI.create(publicBase).getRawAuthority())) {
                    return location;
                }
            }
            String registryV2 = target.basePath() + "/v2/";
            if (!path.startsWith(registryV2)) {
                return location;
            }
            return publicBase + routePrefix + path.substring(registryV2.length())
                    + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        }
    }
}
