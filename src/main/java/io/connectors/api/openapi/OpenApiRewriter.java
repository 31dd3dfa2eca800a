package io.connectors.api.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * A class's OpenAPI document as one Connector offers it (spec §7): every path under the
 * Connector's API path, and the gateway, as the caller reached it, as the only server.
 */
final class OpenApiRewriter {

    private OpenApiRewriter() {
    }

    /** A new document; the class's (shared with the informer's cache) is not touched. */
    static ObjectNode forConnector(ObjectNode classDocument, String apiPath, String base) {
        ObjectNode document = classDocument.deepCopy();
        JsonNode paths = document.get("paths");
        if (paths instanceof ObjectNode original) {
            ObjectNode prefixed = document.objectNode();
            for (Map.Entry<String, JsonNode> path : original.properties()) {
                prefixed.set(apiPath + path.getKey(), path.getValue());
            }
            document.set("paths", prefixed);
        }
        document.putArray("servers").addObject().put("url", base);
        return document;
    }
}
