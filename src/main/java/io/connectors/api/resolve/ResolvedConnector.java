package io.connectors.api.resolve;

import io.connectors.api.model.Connector;
import io.connectors.api.model.ConnectorClass;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.Optional;

/** A Connector with everything the forward stage needs, as the caches held it for this request. */
public record ResolvedConnector(Connector connector, ConnectorClass connectorClass, Optional<Secret> secret) {

    public String namespace() {
        return connector.getMetadata().getNamespace();
    }

    public String name() {
        return connector.getMetadata().getName();
    }

    public String className() {
        return connectorClass.getMetadata().getName();
    }

    public String address() {
        return connector.getSpec() == null ? null : connector.getSpec().address();
    }
}
