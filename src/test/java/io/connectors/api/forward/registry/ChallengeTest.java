package io.connectors.api.forward.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChallengeTest {

    @Test
    void distributionsChallengeWithQuotedValues() {
        List<Challenge> challenges = Challenge.parse(
                "Bearer realm=\"https://auth.example.com/token\",service=\"registry.example.com\",scope=\"repository:team/app:pull\"");

        assertThat(challenges).containsExactly(new Challenge("Bearer", Map.of(
                "realm", "https://auth.example.com/token", "service", "registry.example.com",
                "scope", "repository:team/app:pull")));
    }

    @Test
    void commasInsideQuotesBelongToTheValueAndScopesSplitOnSpaces() {
        Challenge challenge = Challenge.parse("Bearer realm=\"https://a.example/t?x=1,y=2\", "
                + "scope=\"repository:a:pull,push repository:b:pull\", error=\"insufficient_scope\"").get(0);

        assertThat(challenge.param("realm")).contains("https://a.example/t?x=1,y=2");
        assertThat(challenge.scopes()).containsExactly("repository:a:pull,push", "repository:b:pull");
        assertThat(challenge.param("ERROR")).contains("insufficient_scope");
    }

    @Test
    void severalChallengesInOneHeaderAndTheBearerOneIsFound() {
        String header = "Basic realm=\"Registry Realm\", Negotiate abc==, Bearer realm=\"https://a.example/token\","
                + "service=svc";

        List<Challenge> challenges = Challenge.parse(header);

        assertThat(challenges).extracting(Challenge::scheme).containsExactly("Basic", "Negotiate", "Bearer");
        assertThat(challenges.get(0).param("realm")).contains("Registry Realm");
        assertThat(challenges.get(1).params()).containsEntry("", "abc==");
        assertThat(challenges.get(2).params()).containsEntry("service", "svc");
        assertThat(Challenge.bearer(List.of("Basic realm=\"x\"", header))).contains(challenges.get(2));
    }

    @Test
    void escapesSpacesAndCaseInsensitiveSchemes() {
        Challenge challenge = Challenge.parse("bearer   realm = \"https://a.example/t\" ,service=\"say \\\"hi\\\"\"").get(0);

        assertThat(challenge.param("realm")).contains("https://a.example/t");
        assertThat(challenge.param("service")).contains("say \"hi\"");
        assertThat(Challenge.bearer(List.of("bearer realm=\"https://a.example/t\""))).isPresent();
    }

    @Test
    void aBearerChallengeWithoutRealmOrMalformedIsNotUsed() {
        assertThat(Challenge.bearer(List.of("Bearer service=\"x\"", "Basic realm=\"y\""))).isEmpty();
        assertThat(Challenge.bearer(List.of("Bearer realm=\"unterminated"))).isEmpty();
        assertThat(Challenge.parse("")).isEmpty();
        assertThat(Challenge.parse(null)).isEmpty();
        // What follows a malformed parameter is never guessed at.
        assertThat(Challenge.parse("Bearer realm=\"a\" junk, Basic realm=\"b\"")).hasSize(1);
    }
}
