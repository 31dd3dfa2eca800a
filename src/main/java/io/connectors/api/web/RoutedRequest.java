package io.connectors.api.web;

import io.connectors.api.authn.CallerIdentity;
import io.connectors.api.resolve.ResolvedConnector;
import io.connectors.api.route.ProviderType;
import io.connectors.api.route.RouteMatch;
import java.util.Optional;

/** A request once resolved and routed: who asks, for which Connector, and which OpenAPI operation it is, if any. */
record RoutedRequest(CallerIdentity identity, ResolvedConnector resolved, Optional<RouteMatch> match) {

    /** Only an operation marked {@code x-provider-type: api} goes to the custom API; all else is proxied. */
    boolean isCustomApi() {
        return match.map(operation -> operation.providerType() == ProviderType.API).orElse(false);
    }
}
