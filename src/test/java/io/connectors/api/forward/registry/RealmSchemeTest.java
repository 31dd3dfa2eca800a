package io.connectors.api.forward.registry;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.connectors.api.errors.GatewayError;
import io.connectors.api.forward.UpstreamTarget;
import org.junit.jupiter.api.Test;

/** Where a registry's challenge may send the Connector's password: never from https down to http. Pure, nothing sent. */
class RealmSchemeTest {

    private static UpstreamTarget target(String url) {
        return UpstreamTarget.parse(url, "test");
    }

    @Test
    void anHttpsRegistrysRealmMustBeHttps() {
        assertThatThrownBy(() -> RegistryTokenClient.requireRegistryScheme(target("https://registry.example"),
                target("http://registry.example/token"), "connector \"ns/c\""))
                .isInstanceOfSatisfying(GatewayError.class, error -> {
                    org.assertj.core.api.Assertions.assertThat(error.code()).isEqualTo(502);
                    org.assertj.core.api.Assertions.assertThat(error.getMessage()).contains("plain-HTTP token service")
                            .doesNotContain("registry.example/token");
                });
        assertThatCode(() -> RegistryTokenClient.requireRegistryScheme(target("https://registry.example"),
                target("https://auth.registry.example/token"), "c")).doesNotThrowAnyException();
        // A plain-HTTP registry (a lab's) may name either; naming https only protects more.
        assertThatCode(() -> RegistryTokenClient.requireRegistryScheme(target("http://127.0.0.1:5000"),
                target("http://127.0.0.1:5000/token"), "c")).doesNotThrowAnyException();
        assertThatCode(() -> RegistryTokenClient.requireRegistryScheme(target("http://127.0.0.1:5000"),
                target("https://auth.example/token"), "c")).doesNotThrowAnyException();
    }
}
