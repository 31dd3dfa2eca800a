package io.connectors.api.forward;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which targets an HTTP(S)_PROXY carries: those are not pinned to a locally checked address, and
 * the others get clients without proxy settings (Vert.x would match a pinned IP against NO_PROXY).
 */
class ProxiedTargetsTest {

    private static UpstreamTarget target(String url) {
        return UpstreamTarget.parse(url, "test");
    }

    @Test
    void aProxyAppliesPerSchemeUnlessNoProxyNamesTheHost() {
        EnvironmentProxy proxy = EnvironmentProxy.fromEnvironment(Map.of(
                "HTTPS_PROXY", "http://proxy.corp:3128",
                "NO_PROXY", "localhost,.svc.cluster.local,10.0.0.1"));
        assertThat(proxy.applies(target("https://gitlab.example.com"))).isTrue();
        assertThat(proxy.applies(target("http://gitlab.example.com"))).as("no HTTP_PROXY").isFalse();
        assertThat(proxy.applies(target("https://localhost:8443"))).isFalse();
        assertThat(proxy.applies(target("https://api.ns.svc.cluster.local"))).isFalse();
        assertThat(proxy.applies(target("https://10.0.0.1"))).isFalse();
        assertThat(proxy.applies(target("https://10.0.0.2"))).isTrue();
    }

    @Test
    void withoutProxyVariablesNothingIsProxied() {
        EnvironmentProxy none = EnvironmentProxy.fromEnvironment(Map.of());
        assertThat(none.applies(target("https://gitlab.example.com"))).isFalse();
        assertThat(none.applies(target("http://gitlab.example.com"))).isFalse();
    }
}
