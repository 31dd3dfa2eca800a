package io.connectors.api.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.connectors.api.model.ModelFixtures;
import io.vertx.core.http.HttpMethod;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PathTemplateMatchTest {

    private static final ClassRoutes GITLAB = ClassRoutes.compile(ModelFixtures.json("""
            {"openapi": "3.0.1", "paths": {
              "/api/v4/projects/{id}": {"get": {}, "delete": {}},
              "/api/v4/projects/starred": {"get": {"x-provider-type": "api"}},
              "/api/v4/projects/{id}/repository/branches": {
                "get": {"x-provider-type": "api"},
                "post": {"x-provider-type": "proxy", "x-openapi-address": "api-v5"}},
              "/api/v4/projects/{id}/repository/archive.{format}": {"get": {"x-provider-type": "api"}},
              "/api/v4/projects/{id}/repository/files/{path}/raw": {"get": {}},
              "/api/v4/projects/{id}/repository/files/README/raw": {"head": {"x-provider-type": "api"}},
              "/gitlab/custom-api/": {"get": {"x-provider-type": "API"}, "options": {"x-provider-type": "proxy"}},
              "/": {"get": {"x-provider-type": "api"}}
            }}"""));

    private static Optional<RouteMatch> match(HttpMethod method, String rawPath) {
        return GITLAB.match(method, rawPath);
    }

    private static void assertRoute(String template, ProviderType type, HttpMethod method, String rawPath) {
        RouteMatch match = match(method, rawPath).orElseThrow(() -> new AssertionError("no match for " + rawPath));
        assertEquals(template, match.template(), rawPath);
        assertEquals(type, match.providerType(), rawPath);
    }

    @Test
    void literalSegmentBeatsTemplateAtTheSamePosition() {
        assertRoute("/api/v4/projects/starred", ProviderType.API, HttpMethod.GET, "/api/v4/projects/starred");
        assertRoute("/api/v4/projects/{id}", ProviderType.PROXY, HttpMethod.GET, "/api/v4/projects/42");
    }

    @Test
    void aTemplateMatchesExactlyOneRawSegmentEncodedSlashIncluded() {
        assertRoute("/api/v4/projects/{id}/repository/branches", ProviderType.API, HttpMethod.GET,
                "/api/v4/projects/group%2Fproject/repository/branches");
        // A real slash is two segments: not the one-segment template.
        assertTrue(match(HttpMethod.GET, "/api/v4/projects/group/project/repository/branches").isEmpty());
        // An empty segment is no value for a template.
        assertTrue(match(HttpMethod.GET, "/api/v4/projects//repository/branches").isEmpty());
    }

    @Test
    void mixedSegmentsMatchOneSegmentByPattern() {
        assertRoute("/api/v4/projects/{id}/repository/archive.{format}", ProviderType.API, HttpMethod.GET,
                "/api/v4/projects/7/repository/archive.tar.gz");
        assertTrue(match(HttpMethod.GET, "/api/v4/projects/7/repository/archive.").isEmpty());
    }

    @Test
    void trailingSlashesAreIgnoredOnBothSides() {
        assertRoute("/api/v4/projects/{id}", ProviderType.PROXY, HttpMethod.GET, "/api/v4/projects/42/");
        assertRoute("/gitlab/custom-api/", ProviderType.API, HttpMethod.GET, "/gitlab/custom-api");
        assertRoute("/gitlab/custom-api/", ProviderType.API, HttpMethod.GET, "/gitlab/custom-api//");
        assertRoute("/", ProviderType.API, HttpMethod.GET, "");
        assertRoute("/", ProviderType.API, HttpMethod.GET, "/");
    }

    @Test
    void methodsAreMatchedPerOperation() {
        RouteMatch post = match(HttpMethod.POST, "/api/v4/projects/1/repository/branches").orElseThrow();
        assertEquals(ProviderType.PROXY, post.providerType());
        assertEquals(Optional.of("api-v5"), post.openapiAddress());
        assertEquals(Optional.empty(), match(HttpMethod.GET, "/api/v4/projects/1/repository/branches")
                .orElseThrow().openapiAddress());
        assertTrue(match(HttpMethod.PUT, "/api/v4/projects/1/repository/branches").isEmpty());
        assertRoute("/api/v4/projects/{id}", ProviderType.PROXY, HttpMethod.DELETE, "/api/v4/projects/1");
    }

    @Test
    void aMoreLiteralTemplateWithoutTheMethodFallsBackToALessLiteralOne() {
        // "starred" has only get: DELETE backtracks to the template that has a delete operation.
        assertRoute("/api/v4/projects/{id}", ProviderType.PROXY, HttpMethod.DELETE, "/api/v4/projects/starred");
        // The literal README path has only head: GET falls back to the template path's get.
        assertRoute("/api/v4/projects/{id}/repository/files/{path}/raw", ProviderType.PROXY, HttpMethod.GET,
                "/api/v4/projects/1/repository/files/README/raw");
    }

    @Test
    void headAndOptionsMatchTheGetOperationUnlessTheyHaveTheirOwn() {
        assertRoute("/api/v4/projects/starred", ProviderType.API, HttpMethod.HEAD, "/api/v4/projects/starred");
        assertRoute("/api/v4/projects/starred", ProviderType.API, HttpMethod.OPTIONS, "/api/v4/projects/starred");
        assertRoute("/gitlab/custom-api/", ProviderType.PROXY, HttpMethod.OPTIONS, "/gitlab/custom-api");
        assertRoute("/api/v4/projects/{id}/repository/files/README/raw", ProviderType.API, HttpMethod.HEAD,
                "/api/v4/projects/1/repository/files/README/raw");
    }

    @Test
    void noMatch() {
        assertTrue(match(HttpMethod.GET, "/api/v4/groups").isEmpty());
        assertTrue(match(HttpMethod.GET, "/api/v4").isEmpty());
        assertTrue(match(HttpMethod.GET, "/api/v4/projects/1/unknown").isEmpty());
        assertTrue(match(HttpMethod.PATCH, "/gitlab/custom-api").isEmpty());
        assertTrue(ClassRoutes.compile(null).match(HttpMethod.GET, "/").isEmpty());
        assertTrue(ClassRoutes.compile(ModelFixtures.json("{\"openapi\":\"3.0.1\"}")).match(HttpMethod.GET, "/").isEmpty());
    }

    @Test
    void literalsAreComparedRawNotDecoded() {
        assertTrue(match(HttpMethod.GET, "/api/v4/projects/%73tarred").isPresent());
        assertEquals("/api/v4/projects/{id}", match(HttpMethod.GET, "/api/v4/projects/%73tarred").get().template());
    }
}
