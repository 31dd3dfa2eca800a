package io.connectors.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OpenApiDocumentTest {

    static final String DOC = "{\"openapi\": \"3.0.1\", \"info\": {\"title\": \"t\", \"version\": \"1\"}, \"paths\": {}}";

    @Test
    void servesTheDocumentWithAStrongEtagAnd304WhenTheCallerHasIt() {
        OpenApiDocument document = OpenApiDocument.of(DOC);
        assertThat(document.etag()).matches("\"[0-9a-f]{64}\"");
        OpenApiDocument.Answer full = document.answer(null);
        assertThat(full.code()).isEqualTo(200);
        assertThat(full.body()).contains("\"openapi\":\"3.0.1\"");
        assertThat(full.headers()).containsEntry("ETag", document.etag()).containsEntry("Content-Type", "application/json");
        assertThat(document.answer(document.etag()).code()).isEqualTo(304);
        assertThat(document.answer(document.etag()).body()).isEmpty();
        assertThat(document.answer("\"other\", " + document.etag()).code()).isEqualTo(304);
        assertThat(document.answer("W/" + document.etag()).code()).isEqualTo(304);
        assertThat(document.answer("\"other\"").code()).isEqualTo(200);
        // the same document, however it is spaced, has the same ETag
        assertThat(OpenApiDocument.of(DOC.replace(" ", "")).etag()).isEqualTo(document.etag());
    }

    @Test
    void onlyAnOpenApiObjectIsADocument() {
        assertThatThrownBy(() -> OpenApiDocument.of("[]")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OpenApiDocument.of("{\"paths\": {}}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OpenApiDocument.of("{nope")).isInstanceOf(IllegalArgumentException.class);
        assertThat(OpenApiDocument.PATH).isEqualTo("/openapi.json");
        assertThat(OpenApiDocument.ANNOTATION).isEqualTo("connectors.alauda.io/api-spec-path");
    }
}
