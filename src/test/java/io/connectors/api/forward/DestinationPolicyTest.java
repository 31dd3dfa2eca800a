package io.connectors.api.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pure evaluation of addresses and names: nothing here resolves a name or opens a connection. */
class DestinationPolicyTest {

    private static final DestinationPolicy DEFAULT = DestinationPolicy.of(List.of(), List.of());

    /** Parses an IP literal (no DNS: InetAddress only parses literals). */
    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static boolean allowed(DestinationPolicy policy, String host, String address) {
        return policy.refusal(host, address == null ? null : ip(address)).isEmpty();
    }

    @Test
    void linkLocalAndMetadataAddressesAreAlwaysRefused() {
        for (String address : new String[] {"169.254.169.254", "169.254.0.1", "169.254.255.255", "fe80::1",
                "febf:ffff::1", "fd00:ec2::254"}) {
            assertThat(allowed(DEFAULT, "tool.example.com", address)).as(address).isFalse();
            assertThat(allowed(DEFAULT, address, address)).as(address).isFalse();
        }
        assertThat(DEFAULT.refusal("metadata.internal", ip("169.254.169.254")))
                .hasValueSatisfying(reason -> assertThat(reason).contains("169.254.0.0/16"));
    }

    @Test
    void unspecifiedAddressesAreAlwaysRefused() {
        for (String address : new String[] {"0.0.0.0", "0.1.2.3", "::"}) {
            assertThat(allowed(DEFAULT, "tool", address)).as(address).isFalse();
        }
    }

    @Test
    void neighboursOfTheRefusedRangesAreAllowedByDefault() {
        for (String address : new String[] {"169.253.255.255", "169.255.0.0", "1.0.0.0", "fec0::1", "fe7f::1",
                "fd00:ec2::253", "fd00:ec2::255", "127.0.0.1", "::1", "10.1.2.3", "2001:db8::1"}) {
            assertThat(allowed(DEFAULT, "tool", address)).as(address).isTrue();
        }
    }

    @Test
    void ipv6FormsOfARefusedIpv4AddressAreRefused() {
        // ::ffff:a.b.c.d (mapped; Java already turns it into the IPv4 address), ::a.b.c.d
        // (compatible) and 64:ff9b::a.b.c.d (NAT64) all carry the metadata address.
        for (String address : new String[] {"::ffff:169.254.169.254", "::ffff:a9fe:a9fe", "::169.254.169.254",
                "64:ff9b::169.254.169.254", "::ffff:0.0.0.0"}) {
            assertThat(allowed(DEFAULT, "tool", address)).as(address).isFalse();
        }
        DestinationPolicy loopbackDenied = DestinationPolicy.of(List.of("127.0.0.0/8"), List.of());
        assertThat(allowed(loopbackDenied, "tool", "::ffff:127.0.0.1")).isFalse();
        assertThat(allowed(loopbackDenied, "tool", "::127.0.0.1")).isFalse();
        assertThat(allowed(loopbackDenied, "tool", "64:ff9b::7f00:1")).isFalse();
        assertThat(allowed(loopbackDenied, "tool", "::1")).isTrue();
    }

    @Test
    void embeddedIpv4IsOnlyReadFromTheKnownPrefixes() throws Exception {
        assertThat(DestinationPolicy.withEmbeddedIpv4(ip("::169.254.169.254")))
                .containsExactly(ip("::169.254.169.254"), InetAddress.getByAddress(new byte[] {(byte) 169, (byte) 254,
                        (byte) 169, (byte) 254}));
        assertThat(DestinationPolicy.withEmbeddedIpv4(ip("::1"))).containsExactly(ip("::1"));
        assertThat(DestinationPolicy.withEmbeddedIpv4(ip("2001:db8::a9fe:a9fe"))).containsExactly(ip("2001:db8::a9fe:a9fe"));
        assertThat(allowed(DEFAULT, "tool", "2001:db8::a9fe:a9fe")).isTrue();
    }

    @Test
    void denyCidrsMatchTheResolvedAddress() {
        DestinationPolicy policy = DestinationPolicy.of(List.of("10.0.0.0/8", " 192.168.1.7 ", "fd12:3456::/32"), List.of());
        assertThat(allowed(policy, "gitlab.example.com", "10.200.3.4")).isFalse();
        assertThat(allowed(policy, "gitlab.example.com", "11.0.0.1")).isTrue();
        assertThat(allowed(policy, "gitlab.example.com", "192.168.1.7")).isFalse();
        assertThat(allowed(policy, "gitlab.example.com", "192.168.1.8")).isTrue();
        assertThat(allowed(policy, "gitlab.example.com", "fd12:3456:1::1")).isFalse();
        assertThat(allowed(policy, "gitlab.example.com", "fd12:3457::1")).isTrue();
        assertThat(policy.refusal("gitlab.example.com", ip("10.0.0.1")))
                .hasValueSatisfying(reason -> assertThat(reason).contains("10.0.0.0/8"));
    }

    @Test
    void prefixesThatAreNotWholeBytesAreMasked() {
        DestinationPolicy policy = DestinationPolicy.of(List.of("172.16.0.0/12"), List.of());
        assertThat(allowed(policy, "h", "172.16.0.1")).isFalse();
        assertThat(allowed(policy, "h", "172.31.255.255")).isFalse();
        assertThat(allowed(policy, "h", "172.32.0.0")).isTrue();
        assertThat(allowed(policy, "h", "172.15.255.255")).isTrue();
        assertThat(allowed(DestinationPolicy.of(List.of("0.0.0.0/0"), List.of()), "h", "8.8.8.8")).isFalse();
    }

    @Test
    void denyHostNamesMatchTheNameInTheUrl() {
        DestinationPolicy policy = DestinationPolicy.of(List.of("metadata.google.internal", "*.corp.example.com"),
                List.of());
        assertThat(allowed(policy, "metadata.google.internal", "10.0.0.5")).isFalse();
        assertThat(allowed(policy, "METADATA.google.internal.", "10.0.0.5")).isFalse();
        assertThat(allowed(policy, "vault.corp.example.com", "10.0.0.5")).isFalse();
        assertThat(allowed(policy, "a.b.corp.example.com", "10.0.0.5")).isFalse();
        assertThat(allowed(policy, "corp.example.com", "10.0.0.5")).as("the wildcard covers names under it").isTrue();
        assertThat(allowed(policy, "xcorp.example.com", "10.0.0.5")).isTrue();
        // A host rule never matches an address: the same address under another name is fine.
        assertThat(allowed(policy, "gitlab.example.com", "10.0.0.5")).isTrue();
    }

    @Test
    void aNonEmptyAllowListLetsOnlyMatchingDestinationsThrough() {
        DestinationPolicy policy = DestinationPolicy.of(List.of(), List.of("10.0.0.0/8", "*.tools.example.com",
                "git.example.org"));
        assertThat(policy.hasAllowList()).isTrue();
        assertThat(allowed(policy, "anything", "10.9.8.7")).isTrue();
        assertThat(allowed(policy, "gitlab.tools.example.com", "203.0.113.5")).isTrue();
        assertThat(allowed(policy, "git.example.org", "203.0.113.6")).isTrue();
        assertThat(allowed(policy, "git.example.com", "203.0.113.6")).isFalse();
        assertThat(policy.refusal("git.example.com", ip("203.0.113.6")))
                .hasValueSatisfying(reason -> assertThat(reason).contains("allow"));
    }

    @Test
    void denyWinsOverAllowAndNothingAllowsTheAlwaysRefusedAddresses() {
        DestinationPolicy policy = DestinationPolicy.of(List.of("10.0.0.13/32", "secret.tools.example.com"),
                List.of("10.0.0.0/8", "*.tools.example.com", "0.0.0.0/0", "::/0", "169.254.169.254"));
        assertThat(allowed(policy, "a.tools.example.com", "10.0.0.13")).isFalse();
        assertThat(allowed(policy, "secret.tools.example.com", "10.0.0.14")).isFalse();
        assertThat(allowed(policy, "a.tools.example.com", "10.0.0.14")).isTrue();
        assertThat(allowed(policy, "a.tools.example.com", "169.254.169.254")).isFalse();
        assertThat(allowed(policy, "a.tools.example.com", "fe80::1")).isFalse();
        assertThat(allowed(policy, "a.tools.example.com", "::ffff:169.254.169.254")).isFalse();
    }

    @Test
    void anUnresolvedNameIsJudgedByHostRulesOnly() {
        DestinationPolicy cidrAllow = DestinationPolicy.of(List.of(), List.of("10.0.0.0/8"));
        assertThat(allowed(cidrAllow, "behind.proxy.example.com", null)).isFalse();
        DestinationPolicy nameAllow = DestinationPolicy.of(List.of(), List.of("*.example.com"));
        assertThat(allowed(nameAllow, "behind.proxy.example.com", null)).isTrue();
        assertThat(allowed(DEFAULT, "behind.proxy.example.com", null)).isTrue();
        assertThat(allowed(DestinationPolicy.of(List.of("behind.proxy.example.com"), List.of()),
                "behind.proxy.example.com", null)).isFalse();
    }

    @Test
    void ipLiteralsInTheUrlAreMatchedByCidrNotByName() {
        DestinationPolicy policy = DestinationPolicy.of(List.of("127.0.0.1/32", "::1/128"), List.of());
        assertThat(allowed(policy, "127.0.0.1", "127.0.0.1")).isFalse();
        assertThat(allowed(policy, "[::1]", "::1")).isFalse();
        assertThat(allowed(policy, "127.0.0.2", "127.0.0.2")).isTrue();
        // A name resolving to a denied address is refused: the address decides, not the name.
        assertThat(allowed(policy, "localhost", "127.0.0.1")).isFalse();
        assertThat(allowed(policy, "localhost", "::1")).isFalse();
    }

    @Test
    void malformedEntriesAreRejected() {
        for (String entry : new String[] {"10.0.0.0/33", "10.0.0.0/x", "300.1.2.3/8", "not a host", "*.", "a..b",
                "http://x.example.com", "fe80::/129"}) {
            assertThatThrownBy(() -> DestinationPolicy.of(List.of(entry), List.of())).as(entry)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(DestinationPolicy.of(List.of("", " "), List.of("")).hasAllowList()).isFalse();
    }

    @Test
    void alibabaAndOracleCloudMetadataAddressesAreAlwaysRefused() {
        // Alibaba Cloud ECS (this product's home platform) and Oracle Cloud's legacy metadata, also in IPv6 forms;
        // Azure's WireServer. Judged only: nothing is ever sent to them.
        for (String address : new String[] {"100.100.100.200", "::ffff:100.100.100.200", "64:ff9b::6464:64c8",
                "192.0.0.192", "::192.0.0.192", "168.63.129.16"}) {
            assertThat(allowed(DEFAULT, "tool.example.com", address)).as(address).isFalse();
        }
        assertThat(DEFAULT.refusal("metadata.aliyun", ip("100.100.100.200")))
                .hasValueSatisfying(reason -> assertThat(reason).contains("100.100.100.200"));
        // Their neighbours are ordinary addresses (100.64.0.0/10 is carrier-grade NAT, often a VPC's).
        for (String address : new String[] {"100.100.100.199", "100.100.100.201", "192.0.0.191", "192.0.0.193"}) {
            assertThat(allowed(DEFAULT, "tool", address)).as(address).isTrue();
        }
    }

    @Test
    void theGatewaysOwnListenersAreNeverCalled() {
        // Management (9000), main (8443) and forward-proxy (8081) ports of this very process: on loopback,
        // or on one of its own interface addresses, a Connector pointing there is a loop or an
        // anonymous way into /q/metrics.
        DestinationPolicy.OwnListeners own = new DestinationPolicy.OwnListeners(() -> java.util.Set.of(9000, 8443, 8081),
                address -> address.equals(ip("10.1.2.3")));
        DestinationPolicy policy = DestinationPolicy.of(List.of(), List.of(), own);
        for (String address : new String[] {"127.0.0.1", "127.0.0.53", "::1", "::ffff:127.0.0.1", "10.1.2.3"}) {
            for (int port : new int[] {9000, 8443, 8081}) {
                assertThat(policy.refusal("localhost", ip(address), port)).as(address + ":" + port)
                        .hasValueSatisfying(reason -> assertThat(reason).contains("the gateway's own"));
            }
        }
        // Another port on loopback, another host's 9000: ordinary destinations (deny them if they are not).
        assertThat(policy.refusal("localhost", ip("127.0.0.1"), 9001)).isEmpty();
        assertThat(policy.refusal("tool", ip("10.1.2.4"), 9000)).isEmpty();
        assertThat(policy.refusal("tool", null, 9000)).isEmpty();
        // Without listeners known (a unit test, a client not yet started) nothing changes.
        assertThat(DEFAULT.refusal("localhost", ip("127.0.0.1"), 9000)).isEmpty();
    }

    @Test
    void thereIsOneCidrMatcher() {
        // The destination policy and the trusted proxies parse and match networks alike.
        io.connectors.api.net.Cidr cidr = io.connectors.api.net.Cidr.parse("[fd00:ec2::]/32");
        assertThat(cidr.contains(ip("fd00:ec2::254"))).isTrue();
        assertThat(cidr.contains(ip("fd00:ec3::254"))).isFalse();
        assertThat(io.connectors.api.net.Cidr.parse("10.0.0.0/9").contains(ip("10.127.255.255"))).isTrue();
        assertThat(io.connectors.api.net.Cidr.parse("10.0.0.0/9").contains(ip("10.128.0.0"))).isFalse();
        assertThatThrownBy(() -> io.connectors.api.net.Cidr.parse("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> io.connectors.api.net.Cidr.parse("tool.example")).isInstanceOf(IllegalArgumentException.class);
    }
}
