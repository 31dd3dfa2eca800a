package io.connectors.api.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.connectors.api.errors.GatewayError;
import io.connectors.api.request.TrustedProxies;
import io.vertx.core.MultiMap;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PublicUrlTest {

    private static MultiMap proxyHeaders() {
        return MultiMap.caseInsensitiveMultiMap().add("X-Forwarded-Proto", "https")
                .add("X-Forwarded-Host", "platform.example").add("X-Forwarded-Prefix", "/clusters-rewrite/east");
    }

    @Test
    void forwardedHeadersCountOnlyWhenTrusted() {
        assertThat(PublicUrl.base("http", "10.0.0.5:8080", proxyHeaders(), false)).isEqualTo("http://10.0.0.5:8080");
        assertThat(PublicUrl.base("http", "10.0.0.5:8080", proxyHeaders(), true))
                .isEqualTo("https://platform.example/clusters-rewrite/east");
        assertThat(PublicUrl.base(null, "gw", MultiMap.caseInsensitiveMultiMap(), true)).isEqualTo("http://gw");
    }

    @Test
    void prefixesAreNormalisedOrRefused() {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        assertThat(PublicUrl.base("http", "gw", headers.set("X-Forwarded-Prefix", "/"), true)).isEqualTo("http://gw");
        assertThat(PublicUrl.base("http", "gw", headers.set("X-Forwarded-Prefix", "/a/b/"), true)).isEqualTo("http://gw/a/b");
        assertThat(PublicUrl.base("http", "gw", headers.set("X-Forwarded-Prefix", "/a%20b"), true)).isEqualTo("http://gw/a%20b");
        for (String bad : List.of("a", "/a/../b", "/a/%2E%2e", "/./a", "/a b", "/a?x", "/a#x", "/a\\b", "/%zz", "//evil.example")) {
            assertThatThrownBy(() -> PublicUrl.base("http", "gw", MultiMap.caseInsensitiveMultiMap()
                    .set("X-Forwarded-Prefix", bad), true)).as(bad)
                    .isInstanceOfSatisfying(GatewayError.class, e -> assertThat(e.code()).isEqualTo(400));
        }
        // An untrusted peer's bad prefix is not even read.
        assertThat(PublicUrl.base("http", "gw", MultiMap.caseInsensitiveMultiMap().set("X-Forwarded-Prefix", "/a/../b"),
                false)).isEqualTo("http://gw");
    }

    @Test
    void onlyHttpAndHttpsAreSchemes() {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().set("X-Forwarded-Proto", "javascript");
        assertThat(PublicUrl.base("http", "gw", headers, true)).isEqualTo("http://gw");
    }

    @Test
    void aConfiguredPublicUrlIsValidatedAndWins() {
        assertThat(PublicUrl.validated("https://platform.example/clusters-rewrite/east/"))
                .isEqualTo("https://platform.example/clusters-rewrite/east");
        assertThat(PublicUrl.validated("HTTPS://platform.example:8443")).isEqualTo("https://platform.example:8443");
        for (String bad : List.of("ftp://x", "platform.example", "https://user@x", "https://x/?q", "https://x/#f",
                "https://x/a/../b", "https://")) {
            assertThatThrownBy(() -> PublicUrl.validated(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        PublicUrl configured = new PublicUrl(Optional.of("https://platform.example/c1"), new TrustedProxies(true, List.of()));
        // The request is not even looked at.
        assertThat(configured.base(null)).isEqualTo("https://platform.example/c1");
        assertThat(configured.of(null, "/connectors/v1alpha1/ns/openapi"))
                .isEqualTo("https://platform.example/c1/connectors/v1alpha1/ns/openapi");
    }

    @Test
    void trustedProxiesAreMatchedByAddress() {
        TrustedProxies off = new TrustedProxies(false, List.of("127.0.0.1"));
        assertThat(off.trustsPeer("127.0.0.1")).isFalse();
        TrustedProxies anyPeer = new TrustedProxies(true, List.of());
        assertThat(anyPeer.trustsPeer("203.0.113.9")).isTrue();
        TrustedProxies some = new TrustedProxies(true, List.of("10.1.0.0/16", " 192.168.7.7 ", "fd00:1::/32"));
        assertThat(some.trustsPeer("10.1.200.3")).isTrue();
        assertThat(some.trustsPeer("10.2.0.1")).isFalse();
        assertThat(some.trustsPeer("192.168.7.7")).isTrue();
        assertThat(some.trustsPeer("192.168.7.8")).isFalse();
        assertThat(some.trustsPeer("::ffff:10.1.0.1")).as("IPv4-mapped").isTrue();
        assertThat(some.trustsPeer("fd00:1:2::3")).isTrue();
        assertThat(some.trustsPeer("fd00:2::3")).isFalse();
        assertThat(some.trustsPeer("not-an-address")).isFalse();
        assertThat(some.trustsPeer(null)).isFalse();
        assertThatThrownBy(() -> new TrustedProxies(true, List.of("proxy.example"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TrustedProxies(true, List.of("10.0.0.0/33"))).isInstanceOf(IllegalArgumentException.class);
    }
}
