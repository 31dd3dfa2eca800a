package io.connectors.api.web;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.connectors.api.errors.GatewayError;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PathSafetyTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "/", "/api/v4/projects/group%2Fproject", "/a%20b", "/.well-known/x", "/a/...",
            "/a/.hidden", "/v2/library/nginx/manifests/1.0", "//double"})
    void acceptsOrdinaryPaths(String path) {
        assertThatCode(() -> PathSafety.check(path)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/..", "/a/../b", "/a/./b", "/a/%2e%2e/b", "/a/%2E%2E", "/%2e", "/a/..%2Fetc",
            "/a/%2e%2e%2fetc", "/x/%2F..%2F", "/a\\b", "/a%5Cb", "/a%5cb", "/a%00b", "/a/%zz", "/a/%2", "/a/%"})
    void refusesTraversalAndMalformedPaths(String path) {
        assertThatThrownBy(() -> PathSafety.check(path)).isInstanceOf(GatewayError.class)
                .satisfies(error -> org.assertj.core.api.Assertions.assertThat(((GatewayError) error).code())
                        .isEqualTo(400));
    }
}
