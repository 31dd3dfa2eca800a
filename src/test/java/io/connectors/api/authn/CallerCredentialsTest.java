package io.connectors.api.authn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class CallerCredentialsTest {

    private static String basic(String pair) {
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void bearerAndBasicBothPresentTheKubernetesToken() {
        assertThat(CallerCredentials.parse("Bearer abc.def").orElseThrow()).isEqualTo(new CallerCredentials.Bearer("abc.def"));
        assertThat(CallerCredentials.parse("  bEaReR   abc  ").orElseThrow().token()).isEqualTo("abc");
        assertThat(CallerCredentials.parse(basic("me:tok:en")).orElseThrow())
                .isEqualTo(new CallerCredentials.Basic("me", "tok:en"));
        assertThat(CallerCredentials.parse("basic " + Base64.getEncoder().encodeToString(":t".getBytes())).orElseThrow().token())
                .isEqualTo("t");
        assertThat(CallerCredentials.parse(basic("team-a/git,team-b/npm:tok")).orElseThrow())
                .isEqualTo(new CallerCredentials.Basic("team-a/git,team-b/npm", "tok"));
    }

    @Test
    void absentIsEmptyAndUnusableIsInvalidWithoutEchoingTheValue() {
        assertThat(CallerCredentials.parse(null)).isEmpty();
        assertThat(CallerCredentials.parse("  ")).isEmpty();
        for (String header : new String[] {"Bearer", "Bearer   ", "Digest secret-value", "secret-value", basic("user-only"),
                basic("me:"), "Basic %%%secret", "Basic " + Base64.getEncoder().encodeToString(new byte[] {'a', ':', (byte) 0xff})}) {
            assertThatThrownBy(() -> CallerCredentials.parse(header)).as(header)
                    .isInstanceOf(CallerCredentials.Invalid.class)
                    .hasMessageNotContaining("secret");
        }
    }

    @Test
    void theTokenNeverAppearsInToString() {
        assertThat(CallerCredentials.parse("Bearer s3cr3t").orElseThrow().toString()).doesNotContain("s3cr3t");
        assertThat(CallerCredentials.parse(basic("me:s3cr3t")).orElseThrow().toString()).doesNotContain("s3cr3t");
    }
}
