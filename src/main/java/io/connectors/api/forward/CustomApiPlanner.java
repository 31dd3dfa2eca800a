package io.connectors.api.forward;

import io.connectors.api.errors.GatewayError;
import io.connectors.api.resolve.ResolvedConnector;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Plans an API-mode request (spec §6): to the class's custom API, with the tool's address and
 * the Connector's Secret in {@code X-Plugin-*} headers instead of injected credentials.
 */
@Singleton
public class CustomApiPlanner {

    private final ApiAddressResolver addresses;

    CustomApiPlanner(ApiAddressResolver addresses) {
        this.addresses = addresses;
    }

    public ForwardPlan plan(ResolvedConnector resolved, String rawApiPath, String rawQuery, String requestId) {
        PaginationParams.check(rawQuery);
        String className = resolved.className();
        String address = addresses.address(resolved.connectorClass()).orElseThrow(() -> GatewayError.badRequest(
                "api address of connectorclass '" + className + "' is not resolved"));
        UpstreamTarget target = UpstreamTarget.parse(address, "the api address of connectorclass '" + className + "'");
        Map<String, String> headers = new HashMap<>(PluginHeaders.of(resolved.address(), resolved.secret()));
        headers.put(HeaderHygiene.REQUEST_ID, requestId);
        // The custom API is the class's own service, reached with the system trust store: a
        // Connector's CA certificates are for its tool, not for the service that serves the class.
        return new ForwardPlan(ForwardPlan.API, "the custom API of connectorclass '" + className + "'", target,
                target.requestUri(rawApiPath, rawQuery), headers, Optional.empty());
    }
}
