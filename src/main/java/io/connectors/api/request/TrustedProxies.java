package io.connectors.api.request;

import io.connectors.api.config.ConnectorsConfig;
import io.connectors.api.net.Cidr;
import io.netty.util.NetUtil;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Arrays;
import java.util.List;

/**
 * Whether a request's X-Forwarded-* headers may be believed: only with
 * {@code connectors.proxy.trust-forwarded-headers} on and, when {@code connectors.proxy.trusted-proxies}
 * is set, only from a peer (the address of the TCP connection, which no header changes) in that list.
 * Anyone else could write those headers and choose the URLs the gateway hands out.
 */
@ApplicationScoped
public class TrustedProxies {

    private final boolean enabled;
    private final List<Cidr> peers;

    @Inject
    TrustedProxies(ConnectorsConfig config) {
        this(config.proxy().trustForwardedHeaders(), config.proxy().trustedProxies().orElse(List.of()));
    }

    /** {@code peers}: CIDRs or addresses; empty means any peer (the switch alone decides). */
    public TrustedProxies(boolean enabled, List<String> peers) {
        this.enabled = enabled;
        this.peers = peers.stream().filter(peer -> !peer.isBlank()).map(TrustedProxies::peer).toList();
    }

    private static Cidr peer(String entry) {
        try {
            return Cidr.parse(entry);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("connectors.proxy.trusted-proxies: " + e.getMessage(), e);
        }
    }

    /** Whether this request's X-Forwarded-* headers come from a trusted proxy. */
    public boolean trusts(HttpServerRequest request) {
        if (!enabled) {
            return false;
        }
        if (peers.isEmpty()) {
            return true;
        }
        // The connection's own peer: request.remoteAddress() is what Quarkus's proxy-address-forwarding
        // would rewrite from headers.
        SocketAddress peer = request.connection() == null ? request.remoteAddress() : request.connection().remoteAddress();
        return peer != null && trustsPeer(peer.hostAddress());
    }

    /** Whether a peer at this IP address (text) is a trusted proxy; never resolves a name. */
    public boolean trustsPeer(String address) {
        if (!enabled) {
            return false;
        }
        if (peers.isEmpty()) {
            return true;
        }
        byte[] bytes = address == null ? null : NetUtil.createByteArrayFromIpAddressString(address);
        if (bytes == null) {
            return false;
        }
        byte[] peer = ipv4Mapped(bytes);
        return peers.stream().anyMatch(cidr -> cidr.contains(peer));
    }

    /** {@code ::ffff:a.b.c.d} is the IPv4 peer a.b.c.d (a dual-stack listener reports IPv4 peers that way). */
    private static byte[] ipv4Mapped(byte[] address) {
        if (address.length == 16) {
            byte[] mappedPrefix = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff};
            if (Arrays.equals(Arrays.copyOf(address, 12), mappedPrefix)) {
                return Arrays.copyOfRange(address, 12, 16);
            }
        }
        return address;
    }
}
