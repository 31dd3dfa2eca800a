package io.connectors.api.forwardproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.connectors.api.errors.GatewayError;
import io.connectors.api.request.GatewayRoute.ConnectorRef;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ProxyCallerTest {

    private static String basic(String pair) {
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    private static int codeOf(String header) {
        try {
            ProxyCaller.of(header);
            return 0;
        } catch (GatewayError error) {
            return error.code();
        }
    }

    @Test
    void oneConnectorAndTheToken() {
        ProxyCaller caller = ProxyCaller.of(basic("team-a/git:the-token"));
        assertThat(caller.connectors()).containsExactly(new ConnectorRef("team-a", "git"));
        assertThat(caller.token()).isEqualTo("the-token");
    }

    @Test
    void severalConnectorsInTheirOrderWithoutRepeats() {
        ProxyCaller caller = ProxyCaller.of(basic("team-a/git, team-b/maven.central,team-a/git:t:with:colons"));
        assertThat(caller.connectors()).containsExactly(new ConnectorRef("team-a", "git"),
                new ConnectorRef("team-b", "maven.central"));
        assertThat(caller.token()).isEqualTo("t:with:colons");
    }

    @Test
    void aLiteralPercentEncodedSlashIsDecoded() {
        // What a client sends that does not decode the user of http://team-a%2Fgit:TOKEN@gateway:8081.
        assertThat(ProxyCaller.of(basic("team-a%2Fgit:t")).connectors()).containsExactly(new ConnectorRef("team-a", "git"));
        assertThat(ProxyCaller.of(basic("team-a%2fgit%2Cteam-b%2Fnpm:t")).connectors())
                .containsExactly(new ConnectorRef("team-a", "git"), new ConnectorRef("team-b", "npm"));
    }

    @Test
    void missingOrUnusableCredentialsAre407() {
        assertThat(codeOf(null)).isEqualTo(407);
        assertThat(codeOf("")).isEqualTo(407);
        assertThat(codeOf("Bearer some-token")).isEqualTo(407);
        assertThat(codeOf("Negotiate abc")).isEqualTo(407);
        assertThat(codeOf("Basic !!!")).isEqualTo(407);
        assertThat(codeOf(basic("team-a/git:"))).isEqualTo(407);
        assertThat(codeOf(basic("team-a/git"))).isEqualTo(407);
    }

    @Test
    void aUserThatNamesNoConnectorIs407AndIsNotShownBack() {
        for (String user : new String[] {"git", "team-a/", "/git", "a/b/c", "Team-A/git", "team-a/git,", "team-a%2", "te%ZZam/git",
                "team_a/git", "team-a/g it"}) {
            assertThatThrownBy(() -> ProxyCaller.of(basic(user + ":secret-token")))
                    .isInstanceOfSatisfying(GatewayError.class, error -> {
                        assertThat(error.code()).isEqualTo(407);
                        assertThat(error.getMessage()).doesNotContain(user).doesNotContain("secret-token");
                    });
        }
    }

    @Test
    void moreThanTheLimitOfConnectorsIs407() {
        StringBuilder user = new StringBuilder();
        for (int i = 0; i <= ProxyCaller.MAX_CONNECTORS; i++) {
            user.append(i == 0 ? "" : ",").append("ns/c").append(i);
        }
        assertThat(codeOf(basic(user + ":t"))).isEqualTo(407);
    }

    @Test
    void theTokenIsNeverInItsText() {
        assertThat(ProxyCaller.of(basic("team-a/git:the-token")).toString()).doesNotContain("the-token");
    }
}
