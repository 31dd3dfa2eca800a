package io.connectors.api.forwardproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.TextNode;
import io.connectors.api.errors.GatewayError;
import io.connectors.api.model.Connector;
import io.connectors.api.model.ConnectorSpec;
import io.connectors.api.model.ModelFixtures;
import io.connectors.api.model.NamedValue;
import io.connectors.api.resolve.ResolvedConnector;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConnectorAddressesTest {

    private static ResolvedConnector connector(String address, String... extensions) {
        Connector connector = ModelFixtures.connector("team-a", "tool", "plain", address);
        List<NamedValue> named = new java.util.ArrayList<>();
        for (int i = 0; i < extensions.length; i++) {
            named.add(new NamedValue("ext" + i, TextNode.valueOf(extensions[i])));
        }
        connector.setSpec(new ConnectorSpec("plain", address, named, null, null, null));
        return new ResolvedConnector(connector, ModelFixtures.connectorClass("plain", "1", null), Optional.empty());
    }

    private static Optional<String> apiPath(ResolvedConnector connector, String url) {
        return ConnectorAddresses.match(connector, ProxyTarget.absolute(url)).map(ConnectorAddresses.Match::canonicalApiPath);
    }

    @Test
    void schemeHostAndPortMustAllBeTheAddresses() {
        ResolvedConnector tool = connector("http://git.example.com:8080");
        assertThat(apiPath(tool, "http://git.example.com:8080/repo.git/info/refs")).contains("/repo.git/info/refs");
        assertThat(apiPath(tool, "http://GIT.example.com:8080/x")).contains("/x");
        assertThat(apiPath(tool, "http://git.example.com/x")).isEmpty();
        assertThat(apiPath(tool, "http://git.example.com:8081/x")).isEmpty();
        assertThat(apiPath(tool, "https://git.example.com:8080/x")).isEmpty();
        assertThat(apiPath(tool, "http://other.example.com:8080/x")).isEmpty();
        assertThat(apiPath(tool, "http://git.example.com.evil.test:8080/x")).isEmpty();
    }

    @Test
    void defaultPortsAreThePortsOfTheScheme() {
        assertThat(apiPath(connector("https://tool.example.com"), "https://tool.example.com:443/x")).contains("/x");
        assertThat(apiPath(connector("http://tool.example.com:80"), "http://tool.example.com/x")).contains("/x");
        assertThat(apiPath(connector("https://tool.example.com"), "http://tool.example.com:443/x")).isEmpty();
    }

    @Test
    void aPathPrefixCoversWholeSegmentsOnly() {
        ResolvedConnector tool = connector("https://host.example.com/git/");
        assertThat(apiPath(tool, "https://host.example.com/git")).contains("");
        assertThat(apiPath(tool, "https://host.example.com/git/")).contains("/");
        assertThat(apiPath(tool, "https://host.example.com/git/a/b?q=1")).contains("/a/b");
        assertThat(apiPath(tool, "https://host.example.com/gitlab/a")).isEmpty();
        assertThat(apiPath(tool, "https://host.example.com/")).isEmpty();
        assertThat(apiPath(tool, "https://host.example.com/other/git/a")).isEmpty();
    }

    @Test
    void dotSegmentsCannotLeaveThePrefix() {
        ResolvedConnector tool = connector("https://host.example.com/git");
        for (String sneaky : List.of("https://host.example.com/git/../admin", "https://host.example.com/git/%2e%2e/admin",
                "https://host.example.com/git/..%2Fadmin")) {
            assertThatThrownBy(() -> apiPath(tool, sneaky)).isInstanceOfSatisfying(GatewayError.class,
                    error -> assertThat(error.code()).isEqualTo(400));
        }
    }

    @Test
    void addressExtensionsAreAddressesToo() {
        ResolvedConnector tool = connector("https://gitlab.example.com", "https://registry.example.com:5000/v2",
                "not a url", "http://[::1]:9000/");
        assertThat(apiPath(tool, "https://registry.example.com:5000/v2/library/x/manifests/1")).contains("/library/x/manifests/1");
        assertThat(ConnectorAddresses.match(tool, ProxyTarget.absolute("https://registry.example.com:5000/v2/x"))
                .map(match -> match.address().basePath())).contains("/v2");
        assertThat(apiPath(tool, "http://[::1]:9000/x")).contains("/x");
        assertThat(apiPath(tool, "https://registry.example.com:5000/other")).isEmpty();
    }

    @Test
    void theFirstAddressThatCoversTheTargetIsUsed() {
        ResolvedConnector tool = connector("https://host.example.com/a", "https://host.example.com/");
        assertThat(ConnectorAddresses.match(tool, ProxyTarget.absolute("https://host.example.com/a/x")).orElseThrow()
                .address().basePath()).isEqualTo("/a");
        assertThat(ConnectorAddresses.match(tool, ProxyTarget.absolute("https://host.example.com/b")).orElseThrow()
                .address().basePath()).isEmpty();
    }

    @Test
    void connectReachesOnlyAnHttpsAddressOnThatHostAndPort() {
        ResolvedConnector tool = connector("http://plain.example.com", "https://tls.example.com:8443/prefix", "https://10.0.0.7:6443");
        assertThat(ConnectorAddresses.reachable(tool, ProxyTarget.Authority.parse("tls.example.com:8443"))).isTrue();
        assertThat(ConnectorAddresses.reachable(tool, ProxyTarget.Authority.parse("TLS.example.com:8443"))).isTrue();
        assertThat(ConnectorAddresses.reachable(tool, ProxyTarget.Authority.parse("10.0.0.7:6443"))).isTrue();
        assertThat(ConnectorAddresses.reachable(tool, ProxyTarget.Authority.parse("tls.example.com:443"))).isFalse();
        assertThat(ConnectorAddresses.reachable(tool, ProxyTarget.Authority.parse("plain.example.com:80"))).isFalse();
        assertThat(ConnectorAddresses.reachable(tool, ProxyTarget.Authority.parse("plain.example.com:443"))).isFalse();
    }

    @Test
    void connectAuthoritiesAreHostAndPort() {
        assertThat(ProxyTarget.Authority.parse("[::1]:6443")).isEqualTo(new ProxyTarget.Authority("::1", 6443));
        for (String bad : new String[] {"host", "host:", "host:0", "host:65536", "host:x", ":443", "::1:443", "a@b:443",
                "host/x:443", "ho st:443"}) {
            assertThatThrownBy(() -> ProxyTarget.Authority.parse(bad)).as(bad).isInstanceOf(GatewayError.class);
        }
    }

    @Test
    void requestsInATunnelAreOriginFormToTheTunnelsHostOverTls() {
        ProxyTarget target = ProxyTarget.inTunnel(ProxyTarget.Authority.parse("tool.example.com:8443"), "/a/b?c=d");
        assertThat(target).isEqualTo(new ProxyTarget(true, "tool.example.com", 8443, "/a/b", "c=d"));
        assertThatThrownBy(() -> ProxyTarget.inTunnel(ProxyTarget.Authority.parse("tool.example.com:8443"),
                "https://elsewhere.example.com/x")).isInstanceOf(GatewayError.class);
    }

    @Test
    void onlyAbsoluteHttpUrlsAreTargets() {
        for (String bad : new String[] {"/connectors/v1alpha1/ns/c/path/x", "ftp://host/x", "http://user:pw@host/x", "*"}) {
            assertThatThrownBy(() -> ProxyTarget.absolute(bad)).as(bad).isInstanceOfSatisfying(GatewayError.class,
                    error -> assertThat(error.code()).isEqualTo(400));
        }
    }
}
