package io.connectors.api.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;

class HeaderHygieneTest {

    @Test
    void requestLosesHopByHopConnectionNamedAndCallerCredentials() {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap()
                .add("Connection", "keep-alive, X-Secret-Hop").add("X-Secret-Hop", "1").add("Keep-Alive", "5")
                .add("TE", "trailers").add("Upgrade", "h2c").add("Proxy-Authorization", "Basic x")
                .add("Authorization", "Bearer caller").add("Cookie", "a=b").add("X-Plugin-Auth", "x")
                .add("x-remote-group", "admins").add("X-Forwarded-Host", "evil").add("Accept", "application/json");
        HeaderHygiene.sanitizeRequest(headers, false);
        assertThat(headers.names()).containsExactly("Accept");
    }

    @Test
    void trustedForwardedHeadersAreKept() {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("X-Forwarded-For", "10.0.0.1");
        HeaderHygiene.sanitizeRequest(headers, true);
        assertThat(headers.get("X-Forwarded-For")).isEqualTo("10.0.0.1");
    }

    @Test
    void responseLosesSetCookieUnlessAllowed() {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Set-Cookie", "s=1").add("Connection", "close")
                .add("ETag", "\"x\"");
        HeaderHygiene.sanitizeResponse(headers, false);
        assertThat(headers.names()).containsExactly("ETag");
        MultiMap kept = MultiMap.caseInsensitiveMultiMap().add("Set-Cookie", "s=1");
        HeaderHygiene.sanitizeResponse(kept, true);
        assertThat(kept.get("Set-Cookie")).isEqualTo("s=1");
    }
}
