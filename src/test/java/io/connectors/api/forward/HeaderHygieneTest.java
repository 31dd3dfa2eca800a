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
        HeaderHygiene.sanitizeRequest(headers, false, HeaderHygiene.Denied.NONE);
        assertThat(headers.names()).containsExactly("Accept");
    }

    @Test
    void identityHeadersNeverPassEvenFromTrustedProxies() {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap()
                .add("Impersonate-User", "system:admin").add("Impersonate-Group", "system:masters")
                .add("Impersonate-Uid", "0").add("Impersonate-Extra-Scopes", "all")
                .add("X-Remote-User", "admin").add("X-Remote-Extra-Scopes", "all")
                .add("X-Forwarded-User", "admin").add("X-Forwarded-Email", "a@b").add("X-Forwarded-Groups", "admins")
                .add("X-Forwarded-Preferred-Username", "admin").add("X-Forwarded-Access-Token", "tok")
                .add("X-Auth-Request-User", "admin").add("X-Auth-Request-Access-Token", "tok")
                .add("X-Internal-Role", "root").add("X-Corp-Trace", "1").add("X-Corp-User", "admin")
                .add("X-Forwarded-For", "10.0.0.1").add("Accept", "*/*");
        HeaderHygiene.sanitizeRequest(headers, true,
                HeaderHygiene.Denied.of(java.util.List.of("X-Internal-Role", " x-corp-* ")));
        assertThat(headers.names()).containsExactlyInAnyOrder("X-Forwarded-For", "Accept");
    }

    @Test
    void trustedForwardedHeadersAreKept() {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("X-Forwarded-For", "10.0.0.1");
        HeaderHygiene.sanitizeRequest(headers, true, HeaderHygiene.Denied.NONE);
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

    /** What a proxy says about the original request, in every spelling tools are known to read. */
    private static MultiMap forwardingHeadersInOtherSpellings() {
        return MultiMap.caseInsensitiveMultiMap()
                .add("X-Forwarded-Scheme", "https").add("X-Forwarded-Ssl", "on").add("X-Forwarded-Server", "evil")
                .add("X-Forwarded-Uri", "/admin").add("X-Forwarded-Port", "443").add("X-Forwarded-Prefix", "/evil")
                .add("X-Forwarded-Anything", "evil").add("X-Real-IP", "10.0.0.1").add("X-Original-URL", "/admin")
                .add("X-Rewrite-URL", "/admin").add("Forwarded", "for=10.0.0.1;proto=https")
                .add("X-Client-IP", "10.0.0.1").add("True-Client-IP", "10.0.0.1").add("X-Original-Host", "evil")
                .add("Accept", "*/*");
    }

    @Test
    void forwardingHeadersInOtherSpellingsPassOnlyFromATrustedProxy() {
        MultiMap untrusted = forwardingHeadersInOtherSpellings();
        HeaderHygiene.sanitizeRequest(untrusted, false, HeaderHygiene.Denied.NONE);
        assertThat(untrusted.names()).containsExactly("Accept");
        MultiMap trusted = forwardingHeadersInOtherSpellings();
        HeaderHygiene.sanitizeRequest(trusted, true, HeaderHygiene.Denied.NONE);
        assertThat(trusted.names()).hasSize(forwardingHeadersInOtherSpellings().names().size());
    }

    @Test
    void underscoreSpellingsNeverPassEvenFromATrustedProxy() {
        // CGI, WSGI, Rack and PHP read X_Forwarded_For as X-Forwarded-For; no proxy writes them.
        for (boolean trust : new boolean[] {false, true}) {
            MultiMap headers = MultiMap.caseInsensitiveMultiMap()
                    .add("X_Forwarded_For", "10.0.0.1").add("x_forwarded_host", "evil").add("X_Forwarded-Proto", "https")
                    .add("X_Real_IP", "10.0.0.1").add("X_Remote_User", "admin").add("Impersonate_User", "admin")
                    .add("X_Plugin_Secret", "x").add("X_Original_URL", "/admin").add("X_Test_Denied", "x")
                    .add("Accept_Language", "en").add("Accept", "*/*");
            HeaderHygiene.sanitizeRequest(headers, trust, HeaderHygiene.Denied.of(java.util.List.of("X-Test-Denied")));
            assertThat(headers.names()).as("trusted: %s", trust).containsExactlyInAnyOrder("Accept_Language", "Accept");
        }
    }

    @Test
    void methodOverridesNeverReachATool() {
        // The gateway authorises the request's own method; a tool that honoured an override would
        // execute another one (GET authorised as a read, DELETE executed).
        for (boolean trust : new boolean[] {false, true}) {
            MultiMap headers = MultiMap.caseInsensitiveMultiMap()
                    .add("X-HTTP-Method-Override", "DELETE").add("X-HTTP-Method", "PUT").add("X-Method-Override", "PATCH")
                    .add("X_HTTP_Method_Override", "DELETE").add("Accept", "*/*");
            HeaderHygiene.sanitizeRequest(headers, trust, HeaderHygiene.Denied.NONE);
            assertThat(headers.names()).as("trusted: %s", trust).containsExactly("Accept");
        }
    }
}
