package io.connectors.api.model;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** "This tool, at this address, with the credentials in this Secret." */
@RegisterForReflection
@Group(Connector.GROUP)
@Version(Connector.VERSION)
@Kind("Connector")
@Plural("connectors")
public class Connector extends CustomResource<ConnectorSpec, ConnectorStatus> implements Namespaced {

    public static final String GROUP = "connectors.alauda.io";
    public static final String VERSION = "v1alpha1";

    /** The path under which the gateway serves this Connector's API (spec §2, {@code status.api.path}). */
    public static String apiPath(String namespace, String name) {
        return "/connectors/" + VERSION + "/" + namespace + "/" + name + "/path";
    }

    /**
     * The upstream proxy's path form of this Connector, which the gateway serves too: appended to
     * the gateway's public URL it is {@code status.proxy.httpAddress.url}.
     */
    public static String proxyPath(String namespace, String name) {
        return "/namespaces/" + namespace + "/connectors/" + name;
    }
}
