package io.connectors.api.forwardproxy;

import io.connectors.api.errors.GatewayError;
import io.connectors.api.forward.UpstreamTarget;
import io.connectors.api.model.NamedValue;
import io.connectors.api.resolve.ResolvedConnector;
import io.connectors.api.route.CanonicalPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The addresses a Connector lets the forward proxy reach: its {@code spec.address} and its
 * {@code addressExtensions} values, in that order. A target is one of them when scheme, host and
 * port are the same and its path is the address's path or below it (whole segments: {@code /git}
 * does not cover {@code /gitlab}). Nothing else is ever reached: the forward proxy is no open proxy.
 */
public final class ConnectorAddresses {

    private ConnectorAddresses() {
    }

    /** The address {@code target} is under, and the target's path below it. */
    public record Match(UpstreamTarget address, String canonicalApiPath) {
    }

    /** The first of the Connector's addresses that covers {@code target}. */
    public static Optional<Match> match(ResolvedConnector resolved, ProxyTarget target) {
        for (UpstreamTarget address : addresses(resolved)) {
            Optional<String> below = below(address, target);
            if (below.isPresent()) {
                return Optional.of(new Match(address, below.get()));
            }
        }
        return Optional.empty();
    }

    /** Whether a CONNECT to {@code authority} may lead to one of the Connector's https addresses. */
    public static boolean reachable(ResolvedConnector resolved, ProxyTarget.Authority authority) {
        return addresses(resolved).stream().anyMatch(address -> address.tls() && sameOrigin(address, authority.host(),
                authority.port()));
    }

    /** The target's canonical path below {@code address} ("" or starting with "/"), if it is under it. */
    static Optional<String> below(UpstreamTarget address, ProxyTarget target) {
        if (address.tls() != target.tls() || !sameOrigin(address, target.host(), target.port())) {
            return Optional.empty();
        }
        String prefix = address.basePath().isEmpty() ? "" : CanonicalPath.of(address.basePath());
        String path = target.canonicalPath();
        if (prefix.isEmpty()) {
            return Optional.of(path);
        }
        if (path.equals(prefix) || path.equals(prefix + "/")) {
            return Optional.of(path.substring(prefix.length()));
        }
        return path.startsWith(prefix + "/") ? Optional.of(path.substring(prefix.length())) : Optional.empty();
    }

    private static boolean sameOrigin(UpstreamTarget address, String host, int port) {
        return address.port() == port && ProxyTarget.normalizedHost(address.host()).equals(host);
    }

    /** The parseable addresses; one that is not a URL is no address of the Connector (it matches nothing). */
    static List<UpstreamTarget> addresses(ResolvedConnector resolved) {
        List<UpstreamTarget> addresses = new ArrayList<>();
        add(addresses, resolved.address());
        List<NamedValue> extensions = resolved.connector().getSpec() == null ? null
                : resolved.connector().getSpec().addressExtensions();
        if (extensions != null) {
            extensions.forEach(extension -> extension.textValue().ifPresent(value -> add(addresses, value)));
        }
        return addresses;
    }

    private static void add(List<UpstreamTarget> addresses, String address) {
        if (address == null || address.isBlank()) {
            return;
        }
        try {
            addresses.add(UpstreamTarget.parse(address, "address"));
        } catch (GatewayError unusable) {
            // Proxy mode answers 400 for it when it is used; here it simply covers nothing.
        }
    }
}
