package io.connectors.api.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.connectors.api.model.ConnectorClassSpec.ApiSpec;
import io.connectors.api.model.ConnectorClassSpec.ObjectRef;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.Map;

/** Model objects for plain unit tests, built the way the informer would hand them over. */
public final class ModelFixtures {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelFixtures() {
    }

    public static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    public static ConnectorClass connectorClass(String name, String resourceVersion, ApiSpec api) {
        ConnectorClass connectorClass = new ConnectorClass();
        connectorClass.setMetadata(new ObjectMetaBuilder().withName(name).withResourceVersion(resourceVersion).build());
        connectorClass.setSpec(new ConnectorClassSpec(null, null, null, null, api));
        return connectorClass;
    }

    /** A class whose spec.api has only this OpenAPI document. */
    public static ConnectorClass withOpenApi(String name, String resourceVersion, String openapiJson) {
        return connectorClass(name, resourceVersion, new ApiSpec(null, null, openapiJson == null ? null : json(openapiJson)));
    }

    public static ConnectorClass withApiStatus(ConnectorClass connectorClass, String url) {
        connectorClass.setStatus(new ConnectorClassStatus(
                new ConnectorClassStatus.Api(new ConnectorClassStatus.Address("api", url)), null, null));
        return connectorClass;
    }

    public static ObjectRef serviceRef(String name, String namespace) {
        return new ObjectRef("Service", name, namespace, "v1", null);
    }

    public static Connector connector(String namespace, String name, String className, String address) {
        Connector connector = new Connector();
        connector.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
        connector.setSpec(new ConnectorSpec(className, address, null, null, null, null));
        return connector;
    }

    public static Secret secret(String name, String type, Map<String, String> data) {
        return new SecretBuilder().withNewMetadata().withName(name).endMetadata().withType(type).withData(data).build();
    }
}
