package io.connectors.api.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.connectors.api.model.ModelFixtures;
import io.connectors.api.openapi.NamespaceDocuments.Member;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NamespaceDocumentsTest {

    private static OpenApiDocuments.ClassDocument classDocument(String json) {
        ObjectNode document = (ObjectNode) ModelFixtures.json(json);
        return new OpenApiDocuments.ClassDocument(document, ServedDocument.of(document));
    }

    @Test
    void pathsUnderEachConnectorOneTagEachAndTheClassDocumentUntouched() {
        OpenApiDocuments.ClassDocument tool = classDocument("""
                {"openapi": "3.0.1", "info": {"title": "T", "version": "1"},
                 "paths": {"/items/{id}": {"parameters": [{"$ref": "#/components/parameters/Id"}],
                   "get": {"operationId": "item", "tags": ["items"], "security": [{"toolAuth": []}],
                           "responses": {"200": {"$ref": "#/components/responses/Item"}}}}},
                 "components": {"parameters": {"Id": {"name": "id", "in": "path", "required": true}},
                   "responses": {"Item": {"description": "one", "content": {"application/json":
                       {"schema": {"$ref": "#/components/schemas/Item"}}}}},
                   "schemas": {"Item": {"type": "object", "properties": {"next": {"$ref": "#/components/schemas/Item"}}}},
                   "securitySchemes": {"toolAuth": {"type": "http", "scheme": "basic"}}}}""");
        String before = tool.document().toString();
        ObjectNode document = NamespaceDocuments.render("team-a", List.of(
                new Member("one", "tool", Optional.of(tool)), new Member("two", "tool", Optional.of(tool)),
                new Member("bare", "none", Optional.empty())), "https://gw.example/c1");

        assertThat(tool.document().toString()).as("the shared class document").isEqualTo(before);
        assertThat(document.at("/servers/0/url").asText()).isEqualTo("https://gw.example/c1");
        assertThat(document.get("tags")).extracting(tag -> tag.get("name").asText()).containsExactly("one", "two", "bare");
        assertThat(document.at("/tags/2/x-connector/openapi").asText()).isEqualTo("/connectors/v1alpha1/team-a/bare/openapi");
        assertThat(document.get("paths").properties()).extracting(java.util.Map.Entry::getKey).containsExactly(
                "/connectors/v1alpha1/team-a/one/path/items/{id}", "/connectors/v1alpha1/team-a/two/path/items/{id}");
        ObjectNode two = (ObjectNode) document.get("paths").get("/connectors/v1alpha1/team-a/two/path/items/{id}");
        assertThat(two.at("/get/tags").toString()).isEqualTo("[\"two\"]");
        assertThat(two.at("/get/operationId").asText()).isEqualTo("two.item");
        assertThat(two.at("/get/security").isMissingNode()).as("the tool's auth is the Connector's business").isTrue();
        assertThat(two.at("/parameters/0/$ref").asText()).isEqualTo("#/components/parameters/tool.Id");
        assertThat(two.at("/get/responses/200/$ref").asText()).isEqualTo("#/components/responses/tool.Item");
        assertThat(document.at("/components/schemas/tool.Item/properties/next/$ref").asText())
                .isEqualTo("#/components/schemas/tool.Item");
        assertThat(document.at("/components/responses/tool.Item/content/application~1json/schema/$ref").asText())
                .isEqualTo("#/components/schemas/tool.Item");
        assertThat(document.at("/components/securitySchemes").properties()).extracting(java.util.Map.Entry::getKey)
                .containsExactly(NamespaceDocuments.SECURITY_SCHEME);
        assertThat(document.at("/security/0").has(NamespaceDocuments.SECURITY_SCHEME)).isTrue();
    }

    @Test
    void noConnectorsIsAValidDocumentWithoutPaths() {
        ObjectNode document = NamespaceDocuments.render("team-a", List.of(), "http://gw");
        assertThat(document.get("openapi").asText()).isEqualTo("3.0.3");
        assertThat(document.get("paths").isObject()).isTrue();
        assertThat(document.get("paths").size()).isZero();
        assertThat(document.get("tags").size()).isZero();
        assertThat(document.at("/info/title").asText()).isEqualTo("Connectors of namespace team-a");
    }

    /**
     * Callers who reach the gateway by many Host names (when connectors.public-url is not set, the
     * public URL is the Host's) cost one render of the document, not one each: each gets the same
     * document with its own servers URL, byte for byte what a render for that URL gives.
     */
    @Test
    void manyPublicUrlsCostOneRenderEachWithItsOwnServers() {
        OpenApiDocuments classes = new OpenApiDocuments();
        classes.refresh(List.of(ModelFixtures.withOpenApi("tool", "1", """
                {"openapi": "3.0.1", "info": {"title": "T", "version": "1"},
                 "servers": [{"url": "https://tool.example"}],
                 "paths": {"/items": {"get": {"operationId": "items",
                   "responses": {"200": {"$ref": "#/components/responses/Items"}}}}},
                 "components": {"responses": {"Items": {"description": "all"}}}}""")));
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        NamespaceDocuments documents = new NamespaceDocuments(classes, registry);
        List<io.connectors.api.model.Connector> connectors = List.of(
                ModelFixtures.connector("team-a", "one", "tool", "http://127.0.0.1:1"),
                ModelFixtures.connector("team-a", "two", "tool", "http://127.0.0.1:1"));
        java.util.Set<String> etags = new java.util.HashSet<>();
        for (int i = 0; i < 300; i++) {
            String base = "http://host-" + i + ".example:8080/prefix";
            ServedDocument served = documents.forNamespace("team-a", connectors, base);
            etags.add(served.etag());
            if (i % 100 == 0) {
                ServedDocument rendered = ServedDocument.of(NamespaceDocuments.render("team-a", List.of(
                        new Member("one", "tool", classes.classDocument("tool")),
                        new Member("two", "tool", classes.classDocument("tool"))), base));
                assertThat(new String(served.body(), java.nio.charset.StandardCharsets.UTF_8))
                        .isEqualTo(new String(rendered.body(), java.nio.charset.StandardCharsets.UTF_8));
                assertThat(served.etag()).isEqualTo(rendered.etag());
            }
        }
        assertThat(etags).as("one document per URL").hasSize(300);
        assertThat(registry.get(NamespaceDocuments.RENDERS).counter().count()).as("renders").isEqualTo(1.0);
        // Another set of Connectors (another caller's grants) is its own render.
        documents.forNamespace("team-a", connectors.subList(0, 1), "http://host-0.example:8080/prefix");
        assertThat(registry.get(NamespaceDocuments.RENDERS).counter().count()).isEqualTo(2.0);
    }
}
