package io.connectors.api.resolve;

import com.fasterxml.jackson.databind.JsonNode;
import io.connectors.api.model.ConnectorClass;

/**
 * A ConnectorClass's OpenAPI document as the gateway uses it, and a version that changes when it
 * does: {@link #INLINE} is {@code spec.api.openapi} alone; a class API that publishes its own
 * document adds the fetched one (apiref/ApiSpecs).
 */
public interface ClassDocuments {

    ClassDocuments INLINE = new ClassDocuments() {
        @Override
        public JsonNode openapi(ConnectorClass connectorClass) {
            return ClassOpenApiViews.openapiOf(connectorClass);
        }

        @Override
        public String version(ConnectorClass connectorClass) {
            return connectorClass.getMetadata().getResourceVersion();
        }
    };

    JsonNode openapi(ConnectorClass connectorClass);

    /** Equal versions mean equal documents (null: unknown, compare the documents). */
    String version(ConnectorClass connectorClass);
}
