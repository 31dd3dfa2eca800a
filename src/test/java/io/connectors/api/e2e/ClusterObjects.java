package io.connectors.api.e2e;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.Map;

/** Creates what the end-to-end tests need on the real cluster, as its admin, in one namespace. */
record ClusterObjects(KubernetesClient admin, String namespace) {

    static final ResourceDefinitionContext CONNECTORS = new ResourceDefinitionContext.Builder()
            .withGroup("connectors.alauda.io").withVersion("v1alpha1").withPlural("connectors").withNamespaced(true)
            .withKind("Connector").build();
    static final ResourceDefinitionContext CLASSES = new ResourceDefinitionContext.Builder()
            .withGroup("connectors.alauda.io").withVersion("v1alpha1").withPlural("connectorclasses")
            .withNamespaced(false).withKind("ConnectorClass").build();

    /** The opt-in label of Secrets the gateway may use (connectors.secrets.require-label, on by default). */
    static final String CONNECTOR_SECRET = "connectors.cpaas.io/connector-secret";

    static GenericKubernetesResource generic(ResourceDefinitionContext type, String namespace, String name,
            Map<String, Object> spec) {
        GenericKubernetesResource resource = new GenericKubernetesResource();
        resource.setApiVersion(type.getGroup() + "/" + type.getVersion());
        resource.setKind(type.getKind());
        resource.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
        resource.setAdditionalProperty("spec", spec);
        return resource;
    }

    void connectorClass(String name, Map<String, Object> spec) {
        connectorClass(name, Map.of(), spec);
    }

    void connectorClass(String name, Map<String, String> annotations, Map<String, Object> spec) {
        GenericKubernetesResource connectorClass = generic(CLASSES, null, name, spec);
        connectorClass.getMetadata().setAnnotations(annotations.isEmpty() ? null : annotations);
        admin.genericKubernetesResources(CLASSES).resource(connectorClass).serverSideApply();
    }

    void connector(String name, Map<String, Object> spec) {
        admin.genericKubernetesResources(CONNECTORS).inNamespace(namespace)
                .resource(generic(CONNECTORS, namespace, name, spec)).serverSideApply();
    }

    void basicAuthSecret(String name, String user, String password) {
        admin.secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata().withName(name)
                .withNamespace(namespace).addToLabels(CONNECTOR_SECRET, "true").endMetadata()
                .withType("kubernetes.io/basic-auth")
                .addToStringData("username", user).addToStringData("password", password).build()).serverSideApply();
    }

    /** A Role allowing {@code get} on one Connector, bound to one user. */
    void grantGet(String user, String connector) {
        grant(user, "get-" + connector, "connectors", connector);
    }

    /** A Role allowing {@code get} on one Connector's (sub)resource, bound to a user. */
    void grant(String user, String role, String resource, String connector) {
        admin.rbac().roles().inNamespace(namespace).resource(new RoleBuilder().withNewMetadata()
                .withName(role).withNamespace(namespace).endMetadata().addNewRule()
                .withApiGroups("connectors.alauda.io").withResources(resource).withResourceNames(connector)
                .withVerbs("get").endRule().build()).serverSideApply();
        admin.rbac().roleBindings().inNamespace(namespace).resource(new RoleBindingBuilder().withNewMetadata()
                .withName(user + "-" + role).withNamespace(namespace).endMetadata().withNewRoleRef()
                .withApiGroup("rbac.authorization.k8s.io").withKind("Role").withName(role).endRoleRef()
                .addNewSubject().withApiGroup("rbac.authorization.k8s.io").withKind("User").withName(user).endSubject()
                .build()).serverSideApply();
    }

    /**
     * Sets one feature flag in the gateway's ConfigMap (the gateway watches it), leaving the others
     * as they are. Not a server-side apply: RealCluster applied the ConfigMap with the same field
     * manager, so applying one key would delete the keys it set (enable-custom-ca-certs), which
     * breaks the next test class when Quarkus keeps the cluster and the application between classes.
     */
    void flag(String key, String value) {
        admin.configMaps().inNamespace(RealCluster.SYSTEM_NAMESPACE).withName("connectors-config")
                .edit(configMap -> new ConfigMapBuilder(configMap).addToData(key, value).build());
    }
}
