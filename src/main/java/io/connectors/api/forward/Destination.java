package io.connectors.api.forward;

import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.util.Optional;

/**
 * A destination {@link Destinations} has checked: the IP address the HTTP client must connect to,
 * or none when an HTTP(S) proxy connects for us.
 */
public record Destination(Optional<SocketAddress> server) {

    public static Destination pinned(SocketAddress server) {
        return new Destination(Optional.of(server));
    }

    public static Destination viaProxy() {
        return new Destination(Optional.empty());
    }

    /**
     * Makes the request connect to exactly the checked address. Host and port stay set: the
     * {@code Host} header, SNI and certificate verification remain on the host name, and the
     * client pools connections per (address, host name).
     */
    public RequestOptions apply(RequestOptions options) {
        server.ifPresent(options::setServer);
        return options;
    }
}
