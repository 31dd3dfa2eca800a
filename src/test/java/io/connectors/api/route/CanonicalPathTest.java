package io.connectors.api.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.connectors.api.errors.GatewayError;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CanonicalPathTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''|''",
            "/|/",
            "/api/v4/projects/group%2Fproject|/api/v4/projects/group%2Fproject",
            "/api/v4/projects/group%2fproject|/api/v4/projects/group%2Fproject",
            "/plugin/gitref%73|/plugin/gitrefs",
            "/%61%62%63/%7E%2D%2E%5F|/abc/~-._",
            "/a%20b|/a%20b",
            "/.well-known/x|/.well-known/x",
            "/a/...|/a/...",
            "/a/.hidden|/a/.hidden",
            "/v2/library/nginx/manifests/1.0|/v2/library/nginx/manifests/1.0",
            "//double|/double",
            "/a//b///c|/a/b/c",
            "/a/|/a/",
            "/a//|/a/",
            "//|/",
            "/@scope%2fname|/@scope%2Fname",
            "/a;b=c/d|/a;b=c/d",
            "/x{y}|/x%7By%7D",
            "/caf\u00c3\u00a9|/caf%C3%A9",
            "/q%3Fx%23y|/q%3Fx%23y"})
    void canonicalForm(String raw, String canonical) {
        assertThat(CanonicalPath.of(raw)).isEqualTo(canonical);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/..", "/a/../b", "/a/./b", "/.", "/a/%2e%2e/b", "/a/%2E%2E", "/%2e", "/a/.%2E",
            "/a/..%2Fetc", "/a/%2e%2e%2fetc", "/x/%2F..%2F", "/a/..;/b", "/a/..;jsessionid=1/b", "/a/.;x/b",
            "/a/%2e%2e;/b", "/a/%2e%2e%3b/b", "/a/%252e%252e/b", "/a/%252E%252E%252Fetc", "/a/%25252e%25252e",
            "/a/..%20/b", "/a/%20../b", "/a/..%09", "/a\\b", "/a%5Cb", "/a%5cb", "/a%255cb", "/a%00b", "/a%2500b",
            "/a/%zz", "/a/%2", "/a/%", "/a b", "/a\tb", "/a\u0001b", "/a\u007fb", "relative", "/a\u0100"})
    void refusesDotSegmentsInEverySpellingAndMalformedPaths(String raw) {
        assertThatThrownBy(() -> CanonicalPath.of(raw)).isInstanceOfSatisfying(GatewayError.class,
                error -> assertThat(error.code()).isEqualTo(400));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/v4/projects/group%2Fproject/x", "/gitref%73", "/a//b", "/%61", "/x%2fy"})
    void canonicalFormIsAFixedPoint(String raw) {
        String once = CanonicalPath.of(raw);
        assertThat(CanonicalPath.of(once)).isEqualTo(once);
    }
}
