package io.connectors.api.apiref;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.connectors.api.model.ModelFixtures;
import org.junit.jupiter.api.Test;

/** A fetched document under the class's inline one: inline paths win, fetched operations only reach the class API. */
class ApiSpecsMergeTest {

    @Test
    void fetchedPathsRouteToTheApiUnlessInlineOnesReplaceThem() {
        JsonNode fetched = ModelFixtures.json("""
                {"openapi": "3.0.1", "info": {"title": "fetched", "version": "1"},
                 "paths": {"/git/gitrefs": {"get": {"summary": "refs"}, "parameters": []},
                           "/both": {"get": {}},
                           "/proxied": {"get": {"x-provider-type": "proxy", "x-openapi-address": "https://elsewhere.example"}}}}
                """);
        JsonNode inline = ModelFixtures.json("""
                {"openapi": "3.0.1", "info": {"title": "inline", "version": "2"},
                 "paths": {"/both": {"post": {"x-provider-type": "proxy"}}, "/own": {"get": {"x-provider-type": "api"}}}}
                """);
        JsonNode merged = ApiSpecs.merge(inline, fetched);
        assertThat(merged.path("info").path("title").asText()).isEqualTo("inline");
        assertThat(merged.path("paths").path("/git/gitrefs").path("get").path("x-provider-type").asText()).isEqualTo("api");
        assertThat(merged.path("paths").path("/git/gitrefs").path("parameters").isArray()).isTrue();
        // a published document cannot send requests (and Connector credentials) to the tool or elsewhere
        assertThat(merged.path("paths").path("/proxied").path("get").path("x-provider-type").asText()).isEqualTo("api");
        assertThat(merged.path("paths").path("/proxied").path("get").has("x-openapi-address")).isFalse();
        assertThat(merged.path("paths").path("/both").has("get")).isFalse();
        assertThat(merged.path("paths").path("/both").path("post").path("x-provider-type").asText()).isEqualTo("proxy");
        assertThat(merged.path("paths").has("/own")).isTrue();
        // the fetched document itself is left as it was
        assertThat(fetched.path("paths").path("/git/gitrefs").path("get").has("x-provider-type")).isFalse();
    }

    @Test
    void withoutAnInlineDocumentTheFetchedOneIsUsed() {
        JsonNode fetched = ModelFixtures.json("{\"openapi\": \"3.0.1\", \"paths\": {\"/a\": {\"get\": {}}}}");
        JsonNode merged = ApiSpecs.merge(null, fetched);
        assertThat(merged.path("paths").path("/a").path("get").path("x-provider-type").asText()).isEqualTo("api");
        assertThat(ApiSpecs.merge(ModelFixtures.json("{\"openapi\": \"3.0.1\"}"), fetched).path("paths").has("/a")).isTrue();
    }
}
