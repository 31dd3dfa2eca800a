package io.connectors.api.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.connectors.api.model.ModelFixtures;
import io.vertx.core.http.HttpMethod;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What fuzzing the route matcher found ({@link RouteMatcherFuzzTest}), kept as plain tests. */
class RouteMatcherFindingsTest {

    private static final ClassRoutes MIXED = ClassRoutes.compile(ModelFixtures.json("""
            {"paths": {
              "/many/{p}a{q}a{r}a{s}b": {"get": {}},
              "/adjacent/{a}{b}{c}": {"get": {}},
              "/git/{name}.git": {"get": {}},
              "/v/v{major}.{minor}": {"get": {}}
            }}"""));

    /**
     * Several variables in one segment were a backtracking regex ({@code .+a.+a.+a.+b}): a 400-char
     * segment took 14 s to refuse, a 4000-char one (a request line Vert.x accepts) hours, on the event
     * loop. The timeout only guards against that hang coming back; the match itself takes microseconds.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void manyVariablesInOneSegmentDoNotBacktrack() {
        String as = "a".repeat(4000);
        assertThat(MIXED.match(HttpMethod.GET, "/many/" + as)).isEmpty();
        assertThat(MIXED.match(HttpMethod.GET, "/many/" + as + "b")).get()
                .extracting(RouteMatch::template).isEqualTo("/many/{p}a{q}a{r}a{s}b");
        assertThat(MIXED.match(HttpMethod.GET, "/adjacent/" + "x".repeat(4000))).isPresent();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "/many/xaxaxaxb|/many/{p}a{q}a{r}a{s}b",
            "/many/aaaaaaab|/many/{p}a{q}a{r}a{s}b",
            "/many/aaaaaab|",
            "/many/xaxaxab|",
            "/many/xaxaxaxbb|/many/{p}a{q}a{r}a{s}b",
            "/adjacent/abc|/adjacent/{a}{b}{c}",
            "/adjacent/ab|",
            "/git/repo.git|/git/{name}.git",
            "/git/.git|",
            "/git/a.git.git|/git/{name}.git",
            "/v/v1.2|/v/v{major}.{minor}",
            "/v/v1.2.3|/v/v{major}.{minor}",
            "/v/v.2|",
            "/v/v1.|",
            "/v/1.2|"})
    void mixedSegmentsGiveEachVariableOneOrMoreChars(String path, String template) {
        assertThat(MIXED.match(HttpMethod.GET, path).map(RouteMatch::template).orElse(null)).as(path)
                .isEqualTo(template);
    }

    /**
     * A template's non-ASCII literal was encoded one char a byte ({@code café} as {@code caf%E9}),
     * while clients send UTF-8 ({@code caf%C3%A9}): such a template matched no request, and one with
     * a char above U+00FF made the whole document invalid. Templates are text, matched as UTF-8.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "/caf%C3%A9/x|/caf\u00e9/{id}",
            "/caf\u00c3\u00a9/x|/caf\u00e9/{id}",
            "/docs/%E6%96%87%E6%A1%A3|/docs/\u6587\u6863",
            "/v/%C3%A9.git|/v/{name}.git"})
    void nonAsciiTemplateLiteralsMatchTheirUtf8Spelling(String path, String template) {
        ClassRoutes routes = ClassRoutes.compile(ModelFixtures.json("""
                {"paths": {
                  "/caf\u00e9/{id}": {"get": {}},
                  "/docs/\u6587\u6863": {"get": {}},
                  "/v/{name}.git": {"get": {}}
                }}"""));
        assertThat(routes.problem()).isEmpty();
        assertThat(routes.match(HttpMethod.GET, CanonicalPath.of(path)).map(RouteMatch::template))
                .as(path).contains(template);
        assertThat(routes.match(HttpMethod.GET, "/caf%E9/x")).as("Latin-1 spelling").isEmpty();
    }
}
