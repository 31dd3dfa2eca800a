package io.connectors.api.resolve;

import io.connectors.api.config.ConnectorsConfig;
import io.connectors.api.errors.GatewayError;
import io.connectors.api.model.Connector;
import io.connectors.api.model.ConnectorClass;
import io.connectors.api.model.ConnectorSpec;
import io.connectors.api.model.SecretReference;
import io.fabric8.kubernetes.api.model.Secret;
import jakarta.inject.Singleton;
import java.util.Optional;

/** Looks a Connector, its class and its Secret up in the informer caches. Runs after authorization. */
@Singleton
public class ConnectorResolver {

    private final InformerCaches caches;
    private final ConnectorsConfig config;

    ConnectorResolver(InformerCaches caches, ConnectorsConfig config) {
        this.caches = caches;
        this.config = config;
    }

    public ResolvedConnector resolve(String namespace, String name) {
        Connector connector = connector(namespace, name);
        return new ResolvedConnector(connector, classOf(connector), secretOf(connector));
    }

    /** The Connector's class, for what needs no Secret (its OpenAPI document): a missing Secret is no error here. */
    public ConnectorClass connectorClass(String namespace, String name) {
        return classOf(connector(namespace, name));
    }

    private Connector connector(String namespace, String name) {
        return caches.connector(namespace, name)
                .orElseThrow(() -> GatewayError.notFound(
                        "connectors." + Connector.GROUP + " \"" + name + "\" not found"));
    }

    private ConnectorClass classOf(Connector connector) {
        String name = connector.getMetadata().getName();
        ConnectorSpec spec = connector.getSpec();
        String className = spec == null ? null : spec.connectorClassName();
        if (className == null || className.isBlank()) {
            throw GatewayError.badRequest("connector \"" + name + "\" names no connectorClassName");
        }
        return caches.connectorClass(className)
                .orElseThrow(() -> GatewayError.badRequest("connectorclass \"" + className + "\" not found"));
    }

    private Optional<Secret> secretOf(Connector connector) {
        ConnectorSpec spec = connector.getSpec();
        SecretReference ref = spec.auth() == null ? null : spec.auth().secretRef();
        if (ref == null || ref.name() == null || ref.name().isBlank()) {
            return Optional.empty();
        }
        String namespace = connector.getMetadata().getNamespace();
        if (ref.namespace() != null && !ref.namespace().isBlank() && !ref.namespace().equals(namespace)) {
            if (!config.secrets().allowCrossNamespace()) {
                throw GatewayError.badRequest("connector \"" + connector.getMetadata().getName()
                        + "\" references a secret in another namespace, which this gateway does not allow");
            }
            namespace = ref.namespace();
        }
        String secretNamespace = namespace;
        // Missing and unlabelled read alike: the answer must not tell a Connector's author, who may not
        // read Secrets, whether a Secret of that name exists.
        String notUsable = config.secrets().requireLabel()
                ? "not found or not labelled " + InformerCaches.CONNECTOR_SECRET_LABEL + "=true"
                : "not found";
        return Optional.of(caches.secret(secretNamespace, ref.name())
                .orElseThrow(() -> GatewayError.internal("secret \"" + ref.name() + "\" referenced by connector \""
                        + connector.getMetadata().getName() + "\" in namespace \"" + secretNamespace
                        + "\" " + notUsable)));
    }
}
