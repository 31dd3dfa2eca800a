package io.connectors.api.request;

import io.connectors.api.config.ConnectorsConfig;
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

    private record Cidr(byte[] network, int prefix) {

        static Cidr parse(String text) {
            String entry = text.trim();
            int slash = entry.indexOf('/');
            String ip = slash < 0 ? entry : entry.substring(0, slash);
            if (ip.startsWith("[") && ip.endsWith("]")) {
                ip = ip.substring(1, ip.length() - 1);
            }
            byte[] network = NetUtil.createByteArrayFromIpAddressString(ip);
            if (network == null) {
                throw new IllegalArgumentException("connectors.proxy.trusted-proxies: \"" + text
                        + "\" is not an IP address or a CIDR");
            }
            int prefix;
            try {
                prefix = slash < 0 ? network.length * 8 : Integer.parseInt(entry.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > network.length * 8) {
                throw new IllegalArgumentException("connectors.proxy.trusted-proxies: \"" + text
                        + "\" has no valid prefix length");
            }
            return new Cidr(network, prefix);
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int whole = prefix / 8;
            for (int i = 0; i < whole; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            int mask = 0xff << (8 - rest) & 0xff;
            return rest == 0 || (address[whole] & mask) == (network[whole] & mask);
        }
    }

    private final boolean enabled;
    private final List<Cidr> peers;

    @Inject
    TrustedProxies(ConnectorsConfig config) {
        this(config.proxy().trustForwardedHeaders(), config.proxy().trustedProxies().orElse(List.of()));
    }

    /** {@code peers}: CIDRs or addresses; empty means any peer (the switch alone decides). */
    public TrustedProxies(boolean enabled, List<String> peers) {
        this.enabled = enabled;
        this.peers = peers.stream().filter(peer -> !peer.isBlank()).map(Cidr::parse).toList();
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
