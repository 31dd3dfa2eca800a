package io.connectors.api.net;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Locale;

/**
 * An IP network ({@code 10.0.0.0/8}, {@code fd00::/8}) or one address (a {@code /32} or
 * {@code /128}): the project's one CIDR matcher, for the trusted proxies and the destination
 * policy alike. Pure: it parses literals only and never resolves a name. An IPv4 network matches
 * IPv4 addresses only; callers that must judge an IPv6 form of an IPv4 address (mapped, NAT64)
 * unwrap it first.
 */
public record Cidr(byte[] network, int prefix, String text) {

    /**
     * {@code a.b.c.d[/n]}, {@code x:y::z[/n]} or {@code [x:y::z][/n]}.
     *
     * @throws IllegalArgumentException naming {@code text} when it is not an address or its prefix is invalid
     */
    public static Cidr parse(String text) {
        String entry = text.trim().toLowerCase(Locale.ROOT);
        int slash = entry.indexOf('/');
        String ip = slash < 0 ? entry : entry.substring(0, slash);
        if (ip.startsWith("[") && ip.endsWith("]")) {
            ip = ip.substring(1, ip.length() - 1);
        }
        byte[] network = NetUtil.createByteArrayFromIpAddressString(ip);
        if (network == null) {
            throw new IllegalArgumentException("\"" + text + "\" is not an IP address or a CIDR");
        }
        int prefix;
        try {
            prefix = slash < 0 ? network.length * 8 : Integer.parseInt(entry.substring(slash + 1));
        } catch (NumberFormatException e) {
            prefix = -1;
        }
        if (prefix < 0 || prefix > network.length * 8) {
            throw new IllegalArgumentException("\"" + text + "\" has no valid prefix length");
        }
        return new Cidr(network, prefix, text.trim());
    }

    /** Whether a text is meant as an address or network rather than a host name. */
    public static boolean looksLikeOne(String text) {
        String value = text.trim();
        if (value.startsWith("[") && value.endsWith("]")) {
            value = value.substring(1, value.length() - 1);
        }
        return value.contains("/") || NetUtil.createByteArrayFromIpAddressString(value) != null;
    }

    public boolean contains(InetAddress address) {
        return contains(address.getAddress());
    }

    /** {@code address}: 4 or 16 bytes, network order. */
    public boolean contains(byte[] address) {
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

    @Override
    public boolean equals(Object other) {
        return other instanceof Cidr cidr && cidr.prefix == prefix && Arrays.equals(cidr.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefix;
    }

    @Override
    public String toString() {
        return text;
    }
}
