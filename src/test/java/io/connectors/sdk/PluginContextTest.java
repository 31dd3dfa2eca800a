package io.connectors.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.connectors.api.forward.PluginHeaders;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Decoding the X-Plugin-* headers, on the example values of seed 001 and on what the gateway sends. */
class PluginContextTest {

    @Test
    void decodesTheSeedsExampleHeaders() {
        PluginContext context = PluginContext.decode("eyJiYXNlVVJMIjoiaHR0cDovL2dpdGh1Yi5jb20ifQ==",
                "a3ViZXJuZXRlcy5pby9iYXNpYy1hdXRo", "eyJ1c2VybmFtZSI6IllXUnRhVzQ9IiwicGFzc3dvcmQiOiJjMlZqY21WMCJ9");
        assertThat(context.baseUrl()).isEqualTo("http://github.com");
        assertThat(context.secretType()).isEqualTo("kubernetes.io/basic-auth");
        assertThat(context.secretData()).isEqualTo(Map.of("username", "admin", "password", "secret"));
        assertThat(context.basicAuth()).contains(new BasicAuth("admin", "secret"));
        assertThat(context.basicAuth().orElseThrow().authorizationHeader()).isEqualTo("Basic YWRtaW46c2VjcmV0");
    }

    @Test
    void decodesTheSeedsRequestExampleFromHeaders() {
        Map<String, String> headers = Map.of(
                "X-Plugin-Meta", "eyJiYXNlVVJMIjoiaHR0cHM6Ly9naXRodWIuY29tIn0=",
                "X-Plugin-Auth", "a3ViZXJuZXRlcy5pby9iYXNpYy1hdXRo",
                "X-Plugin-Secret", "eyJwYXNzd29yZCI6ImNHRnpjekV5TXc9PSIsInVzZXJuYW1lIjoiWVdSdGFXND0ifQ==");
        PluginContext context = PluginContext.fromHeaders(headers::get);
        assertThat(context.baseUrl()).isEqualTo("https://github.com");
        assertThat(context.basicAuth()).contains(new BasicAuth("admin", "pass123"));
        assertThat(context.token()).isEmpty();
    }

    @Test
    void readsWhatTheGatewayWrites() {
        Secret secret = new SecretBuilder().withType("connectors.cpaas.io/bearer-token")
                .addToData("token", "dG9rLTEyMw==").build();
        Map<String, String> headers = PluginHeaders.of("https://gitlab.example/sub", Optional.of(secret));
        PluginContext context = PluginContext.fromHeaders(headers::get);
        assertThat(context.baseUrl()).isEqualTo("https://gitlab.example/sub");
        assertThat(context.secretType()).isEqualTo("connectors.cpaas.io/bearer-token");
        assertThat(context.token()).contains("tok-123");
        assertThat(context.basicAuth()).isEmpty();

        PluginContext noSecret = PluginContext.fromHeaders(PluginHeaders.of("https://x", Optional.empty())::get);
        assertThat(noSecret.hasSecret()).isFalse();
        assertThat(noSecret.secretData()).isEmpty();
        assertThat(noSecret.basicAuth()).isEmpty();
    }

    @Test
    void neverShowsSecretValues() {
        PluginContext context = PluginContext.decode("eyJiYXNlVVJMIjoiaHR0cDovL2dpdGh1Yi5jb20ifQ==",
                "a3ViZXJuZXRlcy5pby9iYXNpYy1hdXRo", "eyJ1c2VybmFtZSI6IllXUnRhVzQ9IiwicGFzc3dvcmQiOiJjMlZqY21WMCJ9");
        assertThat(context.toString()).contains("password").doesNotContain("secret]").doesNotContain("=secret");
        assertThat(context.basicAuth().orElseThrow().toString()).doesNotContain("secret");
    }

    @Test
    void missingOrMalformedHeadersAre400() {
        assertThatThrownBy(() -> PluginContext.fromHeaders(name -> null))
                .isInstanceOfSatisfying(StatusException.class, e -> {
                    assertThat(e.code()).isEqualTo(400);
                    assertThat(e.status().reason()).isEqualTo("BadRequest");
                    assertThat(e.getMessage()).contains("X-Plugin-Meta");
                });
        assertThatThrownBy(() -> PluginContext.decode("not base64!", null, null))
                .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(400));
        // base64 of "[1]": JSON, but not an object of strings
        assertThatThrownBy(() -> PluginContext.decode("WzFd", null, null))
                .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(400));
        assertThatThrownBy(() -> PluginContext.decode("eyJiYXNlVVJMIjoiaHR0cDovL2dpdGh1Yi5jb20ifQ==",
                "a3ViZXJuZXRlcy5pby9iYXNpYy1hdXRo", null))
                .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(400));
    }
}
