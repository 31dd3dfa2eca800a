package io.connectors.api.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.connectors.api.model.ModelFixtures;
import io.vertx.core.http.HttpMethod;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MalformedOpenApiTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "[]",
            "{\"paths\": []}",
            "{\"paths\": {\"/a/{id\": {\"get\": {}}}}",
            "{\"paths\": {\"/a/id}\": {\"get\": {}}}}",
            "{\"paths\": {\"/a/{{id}}\": {\"get\": {}}}}",
            "{\"paths\": {\"/a/{}\": {\"get\": {}}}}",
            "{\"paths\": {\"a/b\": {\"get\": {}}}}",
            "{\"paths\": {\"/a\": \"get\"}}",
            "{\"paths\": {\"/a\": {\"get\": true}}}",
            "{\"paths\": {\"/a\": {\"get\": {\"x-provider-type\": \"custom\"}}}}",
            "{\"paths\": {\"/a\": {\"get\": {\"x-openapi-address\": 5}}}}",
            "{\"paths\": {\"/a/{x}\": {\"get\": {}}, \"/a/{y}/\": {\"get\": {}}}}"
    })
    void aMalformedDocumentGivesNoRoutesAndAProblem(String openapi) {
        ClassRoutes routes = ClassRoutes.compile(ModelFixtures.json(openapi));
        assertTrue(routes.problem().isPresent(), openapi);
        assertTrue(routes.match(HttpMethod.GET, "/a").isEmpty());
    }

    @Test
    void theProblemNamesThePath() {
        ClassRoutes routes = ClassRoutes.compile(ModelFixtures.json("{\"paths\": {\"/ok\": {\"get\": {}}, \"/a/{id\": {}}}"));
        assertEquals(Optional.of("path \"/a/{id\" has unbalanced braces"), routes.problem());
    }

    @Test
    void oneMalformedClassDoesNotBreakTheOthers() {
        RouteTable table = new RouteTable();
        table.refresh(List.of(
                ModelFixtures.withOpenApi("broken", "1", "{\"paths\": {\"/x/{id\": {\"get\": {\"x-provider-type\": \"api\"}}}}"),
                ModelFixtures.withOpenApi("good", "1", "{\"paths\": {\"/x/{id}\": {\"get\": {\"x-provider-type\": \"api\"}}}}")));

        assertTrue(table.match("broken", HttpMethod.GET, "/x/1").isEmpty());
        assertTrue(table.problem("broken").orElseThrow().contains("/x/{id"));
        assertEquals(ProviderType.API, table.match("good", HttpMethod.GET, "/x/1").orElseThrow().providerType());
        assertEquals(Optional.empty(), table.problem("good"));
        assertEquals(Optional.empty(), table.problem("unknown"));
    }
}
