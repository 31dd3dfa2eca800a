package io.connectors.api.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpClientOptions;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvironmentProxyTest {

    @Test
    void httpsProxyAppliesToTlsToolsAndNoProxyBecomesWildcards() {
        EnvironmentProxy proxy = EnvironmentProxy.fromEnvironment(Map.of(
                "HTTPS_PROXY", "http://user:secret@proxy.corp:3128",
                "NO_PROXY", "localhost, .svc.cluster.local,10.0.0.1"));
        HttpClientOptions tls = new HttpClientOptions();
        proxy.apply(tls, true);
        assertThat(tls.getProxyOptions().getHost()).isEqualTo("proxy.corp");
        assertThat(tls.getProxyOptions().getPort()).isEqualTo(3128);
        assertThat(tls.getProxyOptions().getUsername()).isEqualTo("user");
        assertThat(tls.getProxyOptions().getPassword()).isEqualTo("secret");
        assertThat(tls.getNonProxyHosts()).containsExactly("localhost", "*.svc.cluster.local", "10.0.0.1");

        HttpClientOptions plain = new HttpClientOptions();
        proxy.apply(plain, false);
        assertThat(plain.getProxyOptions()).isNull();
    }

    @Test
    void lowerCaseNamesAndSchemelessValuesWork() {
        EnvironmentProxy proxy = EnvironmentProxy.fromEnvironment(Map.of("http_proxy", "squid:8080"));
        HttpClientOptions plain = new HttpClientOptions();
        proxy.apply(plain, false);
        assertThat(plain.getProxyOptions().getHost()).isEqualTo("squid");
        assertThat(plain.getProxyOptions().getPort()).isEqualTo(8080);
    }

    @Test
    void noEnvironmentNoProxy() {
        HttpClientOptions options = new HttpClientOptions();
        EnvironmentProxy.fromEnvironment(Map.of()).apply(options, true);
        assertThat(options.getProxyOptions()).isNull();
    }
}
