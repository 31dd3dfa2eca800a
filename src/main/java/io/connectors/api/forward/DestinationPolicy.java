package io.connectors.api.forward;

import io.connectors.api.net.Cidr;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Which destinations the gateway may send a request (and so a Secret) to. Pure: it only
 * evaluates a host name and the address it resolved to, it never looks anything up.
 * <ul>
 * <li>Always refused, whatever is configured: link-local and cloud-metadata addresses
 * (169.254.0.0/16, fe80::/10, fd00:ec2::254; Alibaba Cloud's 100.100.100.200, Oracle Cloud's
 * 192.0.0.192, Azure's WireServer 168.63.129.16, none of them link-local) and the unspecified
 * addresses (0.0.0.0/8, ::), which Linux connects to the local host and which would otherwise
 * slip past a loopback deny.</li>
 * <li>Always refused too: the gateway's own listeners ({@link OwnListeners}: its main, management
 * and forward-proxy ports on loopback or on its own interface addresses). The management port
 * serves /q/metrics and /q/health to whoever reaches it; the others would make a Connector call
 * the gateway itself, a loop.
 * An IPv6 address carrying an IPv4 one (IPv4-mapped {@code ::ffff:a.b.c.d}, IPv4-compatible
 * {@code ::a.b.c.d}, NAT64 {@code 64:ff9b::a.b.c.d}) is judged as both.</li>
 * <li>{@code deny}: CIDRs (matched against the address) and host names (matched against the
 * name in the URL; {@code *.example.com} matches every name under example.com).</li>
 * <li>{@code allow}: same syntax; when it is not empty only a destination matching it is
 * called. A deny always wins over an allow.</li>
 * </ul>
 */
public final class DestinationPolicy {

    private static final List<Rule> ALWAYS_REFUSED = List.of(
            Network.parse("169.254.0.0/16"), Network.parse("fe80::/10"), Network.parse("fd00:ec2::254/128"),
            Network.parse("100.100.100.200/32"), Network.parse("192.0.0.192/32"), Network.parse("168.63.129.16/32"),
            Network.parse("0.0.0.0/8"), Network.parse("::/128"));

    private static final byte[] NAT64_PREFIX = {0, 0x64, (byte) 0xff, (byte) 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};

    private final List<Rule> deny;
    private final List<Rule> allow;
    private final OwnListeners own;

    /**
     * The gateway's own listeners. {@code ports}: asked at each check, as a random port (tests) is
     * known only once the server listens; {@code ownAddress}: whether an address is one of this
     * host's interface addresses (loopback ones always are).
     */
    public record OwnListeners(Supplier<Set<Integer>> ports, Predicate<InetAddress> ownAddress) {

        static final OwnListeners NONE = new OwnListeners(Set::of, address -> false);
    }

    private DestinationPolicy(List<Rule> deny, List<Rule> allow, OwnListeners own) {
        this.deny = deny;
        this.allow = allow;
        this.own = own;
    }

    /**
     * A policy from the configured entries (CIDRs, IP addresses, host names or {@code *.} wildcards).
     *
     * @throws IllegalArgumentException naming the first entry that is none of these
     */
    public static DestinationPolicy of(List<String> deny, List<String> allow) {
        return of(deny, allow, OwnListeners.NONE);
    }

    /** The same, refusing the gateway's own listeners too. */
    public static DestinationPolicy of(List<String> deny, List<String> allow, OwnListeners own) {
        return new DestinationPolicy(rules(deny), rules(allow), own);
    }

    public boolean hasAllowList() {
        return !allow.isEmpty();
    }

    /**
     * Why {@code host}, resolved to {@code address}, must not be called; empty when it may be.
     * {@code address} is null when the name could not be resolved here (a proxy connects for
     * us): then only host-name rules can match, and a non-empty allow list must match the name.
     */
    public Optional<String> refusal(String host, InetAddress address) {
        return refusal(host, address, -1);
    }

    /** The same for a destination port too ({@code -1}: unknown), which decides whether it is one of the gateway's own listeners. */
    public Optional<String> refusal(String host, InetAddress address, int port) {
        String name = normalizeHost(host);
        List<InetAddress> addresses = address == null ? List.of() : withEmbeddedIpv4(address);
        for (Rule rule : ALWAYS_REFUSED) {
            if (rule.matches(name, addresses)) {
                return Optional.of("link-local, metadata and unspecified addresses are never called (" + rule + ")");
            }
        }
        if (port > 0 && addresses.stream().anyMatch(a -> a.isLoopbackAddress() || own.ownAddress().test(a))
                && own.ports().get().contains(port)) {
            return Optional.of("the gateway's own listeners are never called (port " + port + ")");
        }
        for (Rule rule : deny) {
            if (rule.matches(name, addresses)) {
                return Optional.of("denied by connectors.destinations.deny entry " + rule);
            }
        }
        if (!allow.isEmpty() && allow.stream().noneMatch(rule -> rule.matches(name, addresses))) {
            return Optional.of("matches no connectors.destinations.allow entry");
        }
        return Optional.empty();
    }

    /** The address, plus the IPv4 address an IPv6 one carries (mapped, compatible or NAT64). */
    static List<InetAddress> withEmbeddedIpv4(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length != 16) {
            return List.of(address);
        }
        boolean zeroPrefix = isZero(bytes, 0, 10);
        boolean mapped = zeroPrefix && bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
        // :: and ::1 are IPv6's own unspecified and loopback addresses, not IPv4-compatible ones.
        boolean compatible = zeroPrefix && bytes[10] == 0 && bytes[11] == 0 && !isZero(bytes, 12, 15);
        boolean nat64 = Arrays.equals(bytes, 0, 12, NAT64_PREFIX, 0, 12);
        if (!mapped && !compatible && !nat64) {
            return List.of(address);
        }
        try {
            return List.of(address, Inet4Address.getByAddress(Arrays.copyOfRange(bytes, 12, 16)));
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes are always an IPv4 address
        }
    }

    private static boolean isZero(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }

    static String normalizeHost(String host) {
        String name = host.trim().toLowerCase(Locale.ROOT);
        if (name.startsWith("[") && name.endsWith("]")) {
            name = name.substring(1, name.length() - 1);
        }
        while (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        return name;
    }

    private static List<Rule> rules(List<String> entries) {
        List<Rule> rules = new ArrayList<>();
        for (String entry : entries == null ? List.<String>of() : entries) {
            String trimmed = entry.trim();
            if (!trimmed.isEmpty()) {
                rules.add(Rule.parse(trimmed));
            }
        }
        return List.copyOf(rules);
    }

    private sealed interface Rule permits Network, HostName {

        boolean matches(String host, List<InetAddress> addresses);

        static Rule parse(String entry) {
            String value = normalizeHost(entry);
            if (Cidr.looksLikeOne(value)) {
                return Network.parse(value);
            }
            return HostName.parse(value, entry);
        }
    }

    /** A network of the configured lists or the built-in refusals, matched against the address connected to. */
    private record Network(Cidr cidr) implements Rule {

        static Network parse(String text) {
            try {
                return new Network(Cidr.parse(text));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(e.getMessage().replace("is not an IP address or a CIDR",
                        "is not a CIDR, an IP address or a host name"), e);
            }
        }

        @Override
        public boolean matches(String host, List<InetAddress> addresses) {
            return addresses.stream().anyMatch(cidr::contains);
        }

        @Override
        public String toString() {
            return cidr.toString();
        }
    }

    private record HostName(String name, boolean wildcard) implements Rule {

        static HostName parse(String value, String entry) {
            boolean wildcard = value.startsWith("*.");
            String name = wildcard ? value.substring(2) : value;
            if (name.isEmpty() || !name.matches("[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*")) {
                throw new IllegalArgumentException("\"" + entry + "\" is not a CIDR, an IP address or a host name");
            }
            return new HostName(name, wildcard);
        }

        @Override
        public boolean matches(String host, List<InetAddress> addresses) {
            return wildcard ? host.endsWith("." + name) : host.equals(name);
        }

        @Override
        public String toString() {
            return wildcard ? "*." + name : name;
        }
    }
}
