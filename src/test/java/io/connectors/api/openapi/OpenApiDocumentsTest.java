package io.connectors.api.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.connectors.api.model.ConnectorClass;
import io.connectors.api.model.ModelFixtures;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OpenApiDocumentsTest {

    private static final String GITLAB = """
            {"openapi": "3.0.1", "info": {"title": "GitLab Custom API", "version": "1.0.0"},
             "servers": [{"url": "http://internal"}],
             "paths": {
               "/gitlab/custom-api": {"get": {"x-provider-type": "api", "summary": "Request custom API"}},
               "/api/v4/projects/{id}": {"get": {"parameters": [{"name": "id", "in": "path"}]}}}}""";

    /** The same document with its keys in another order. */
    private static final String GITLAB_REORDERED = """
            {"paths": {
               "/api/v4/projects/{id}": {"get": {"parameters": [{"in": "path", "name": "id"}]}},
               "/gitlab/custom-api": {"get": {"summary": "Request custom API", "x-provider-type": "api"}}},
             "servers": [{"url": "http://internal"}],
             "info": {"version": "1.0.0", "title": "GitLab Custom API"}, "openapi": "3.0.1"}""";

    private final OpenApiDocuments documents = new OpenApiDocuments();

    private static JsonNode parse(ServedDocument document) {
        return ModelFixtures.json(new String(document.body(), StandardCharsets.UTF_8));
    }

    @Test
    void theClassDocumentIsServedAsItIsWithAStrongContentHash() {
        documents.refresh(List.of(ModelFixtures.withOpenApi("gitlab", "1", GITLAB)));
        ServedDocument served = documents.forClass("gitlab").orElseThrow();
        assertEquals(ModelFixtures.json(GITLAB), parse(served));
        assertEquals(EntityTags.strong(served.body()), served.etag());
        assertTrue(served.etag().matches("\"[0-9a-f]{64}\""), served.etag());
    }

    @Test
    void theEtagIsStableAcrossKeyOrderAndChangesWithTheDocument() {
        OpenApiDocuments other = new OpenApiDocuments();
        documents.refresh(List.of(ModelFixtures.withOpenApi("gitlab", "1", GITLAB)));
        other.refresh(List.of(ModelFixtures.withOpenApi("gitlab", "9", GITLAB_REORDERED)));
        String etag = documents.forClass("gitlab").orElseThrow().etag();
        assertEquals(etag, other.forClass("gitlab").orElseThrow().etag());

        // A status-only update (new resourceVersion, same document) keeps the very same rendering.
        ServedDocument before = documents.forClass("gitlab").orElseThrow();
        documents.refresh(List.of(ModelFixtures.withApiStatus(ModelFixtures.withOpenApi("gitlab", "2", GITLAB), "http://x")));
        assertSame(before, documents.forClass("gitlab").orElseThrow());

        documents.refresh(List.of(ModelFixtures.withOpenApi("gitlab", "3", GITLAB.replace("1.0.0", "1.0.1"))));
        assertNotEquals(etag, documents.forClass("gitlab").orElseThrow().etag());
    }

    @Test
    void aConnectorDocumentPrefixesEveryPathAndNamesTheGatewayAsServer() {
        ConnectorClass gitlab = ModelFixtures.withOpenApi("gitlab", "1", GITLAB);
        documents.refresh(List.of(gitlab));
        ServedDocument served = documents.forConnector("gitlab", "team-a", "gitlab-prod", "https://gw.example:8443")
                .orElseThrow();
        JsonNode document = parse(served);

        List<String> paths = document.get("paths").properties().stream().map(Map.Entry::getKey).toList();
        assertEquals(List.of("/connectors/v1alpha1/team-a/gitlab-prod/path/api/v4/projects/{id}",
                "/connectors/v1alpha1/team-a/gitlab-prod/path/gitlab/custom-api"), paths);
        assertEquals("api", document.at("/paths/~1connectors~1v1alpha1~1team-a~1gitlab-prod~1path~1gitlab~1custom-api"
                + "/get/x-provider-type").asText());
        assertEquals(ModelFixtures.json("[{\"url\": \"https://gw.example:8443\"}]"), document.get("servers"));
        assertEquals(ModelFixtures.json(GITLAB).get("info"), document.get("info"));
        assertEquals(EntityTags.strong(served.body()), served.etag());
        // The class's own document is untouched.
        assertEquals(ModelFixtures.json(GITLAB), gitlab.getSpec().api().openapi());
        assertEquals(ModelFixtures.json(GITLAB), parse(documents.forClass("gitlab").orElseThrow()));
    }

    @Test
    void connectorDocumentsDifferByConnectorAndBaseAndFollowTheClass() {
        documents.refresh(List.of(ModelFixtures.withOpenApi("gitlab", "1", GITLAB)));
        String a = documents.forConnector("gitlab", "ns", "a", "http://gw").orElseThrow().etag();
        assertEquals(a, documents.forConnector("gitlab", "ns", "a", "http://gw").orElseThrow().etag());
        assertNotEquals(a, documents.forConnector("gitlab", "ns", "b", "http://gw").orElseThrow().etag());
        assertNotEquals(a, documents.forConnector("gitlab", "ns", "a", "https://gw").orElseThrow().etag());

        documents.refresh(List.of(ModelFixtures.withOpenApi("gitlab", "2", GITLAB.replace("summary", "description"))));
        ServedDocument changed = documents.forConnector("gitlab", "ns", "a", "http://gw").orElseThrow();
        assertNotEquals(a, changed.etag());
        assertTrue(new String(changed.body(), StandardCharsets.UTF_8).contains("\"description\""));
    }

    @Test
    void noDocumentWithoutSpecApiOpenapi() {
        documents.refresh(List.of(ModelFixtures.withOpenApi("plain", "1", null),
                ModelFixtures.connectorClass("noapi", "1", null),
                ModelFixtures.withOpenApi("scalar", "1", "\"not an object\"")));
        assertEquals(Optional.empty(), documents.forClass("plain"));
        assertEquals(Optional.empty(), documents.forClass("noapi"));
        assertEquals(Optional.empty(), documents.forClass("scalar"));
        assertEquals(Optional.empty(), documents.forClass("unknown"));
        assertEquals(Optional.empty(), documents.forConnector("plain", "ns", "a", "http://gw"));
    }
}
