package io.connectors.api.model;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** A kind of tool: its auth types and, optionally, a custom API service with an OpenAPI document. */
@RegisterForReflection
@Group(Connector.GROUP)
@Version(Connector.VERSION)
@Kind("ConnectorClass")
@Plural("connectorclasses")
public class ConnectorClass extends CustomResource<ConnectorClassSpec, ConnectorClassStatus> {
}
