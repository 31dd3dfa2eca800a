package io.connectors.api.forward;

import io.connectors.api.errors.GatewayError;
import io.connectors.api.forward.credentials.Credentials;
import io.connectors.api.resolve.ResolvedConnector;
import io.connectors.api.route.RouteMatch;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Plans a proxy-mode request: the tool's address (or an x-openapi-address), its credentials, its CAs. */
@Singleton
public class ProxyPlanner {

    private final Credentials credentials;
    private final TrustBundles trustBundles;

    ProxyPlanner(Credentials credentials, TrustBundles trustBundles) {
        this.credentials = credentials;
        this.trustBundles = trustBundles;
    }

    public ForwardPlan plan(ResolvedConnector resolved, Optional<RouteMatch> match, String rawApiPath,
            String rawQuery, String requestId) {
        return plan(ForwardPlan.PROXY, resolved, target(resolved, match.flatMap(RouteMatch::openapiAddress)), rawApiPath,
                rawQuery, requestId);
    }

    /**
     * A call to {@code target}, one of the Connector's own addresses (the forward proxy found it in
     * the request), with the Connector's credentials and trust, as in proxy mode.
     */
    public ForwardPlan plan(String mode, ResolvedConnector resolved, UpstreamTarget target, String rawApiPath,
            String rawQuery, String requestId) {
        Map<String, String> headers = new HashMap<>();
        credentials.inject(resolved.secret(), headers);
        headers.put(HeaderHygiene.REQUEST_ID, requestId);
        String upstream = "the tool of connector \"" + resolved.namespace() + "/" + resolved.name() + "\"";
        return new ForwardPlan(mode, upstream, target, target.requestUri(rawApiPath, rawQuery), headers,
                trustBundles.forConnector(resolved));
    }

    private static UpstreamTarget target(ResolvedConnector resolved, Optional<String> openapiAddress) {
        if (openapiAddress.isEmpty()) {
            return UpstreamTarget.parse(resolved.address(), "the address of connector \"" + resolved.name() + "\"");
        }
        String address = openapiAddress.get().trim();
        if (address.contains("://")) {
            return UpstreamTarget.parse(address, "x-openapi-address \"" + address + "\"");
        }
        String extension = resolved.connector().getSpec().addressExtension(address)
                .orElseThrow(() -> GatewayError.badRequest("x-openapi-address \"" + address
                        + "\" names no address extension of connector \"" + resolved.name() + "\""));
        return UpstreamTarget.parse(extension, "address extension \"" + address + "\" of connector \""
                + resolved.name() + "\"");
    }
}
