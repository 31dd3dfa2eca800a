package io.connectors.api.support;

import static org.awaitility.Awaitility.await;

import io.connectors.api.model.Connector;
import io.connectors.api.model.ConnectorAuth;
import io.connectors.api.model.ConnectorClass;
import io.connectors.api.model.ConnectorClassSpec;
import io.connectors.api.model.ConnectorSpec;
import io.connectors.api.model.NamedValue;
import io.connectors.api.model.SecretReference;
import io.connectors.api.resolve.InformerCaches;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/** Creates Connectors, classes, Secrets and flags in the test cluster and waits for the gateway to see them. */
public final class Fixtures {

    public static final Duration VISIBLE = Duration.ofSeconds(10);

    private final KubernetesClient client;
    private final InformerCaches caches;

    public Fixtures(KubernetesClient client, InformerCaches caches) {
        this.client = client;
        this.caches = caches;
    }

    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public ConnectorClass connectorClass(String name, ConnectorClassSpec.ApiSpec api) {
        return connectorClass(name, Map.of(), api);
    }

    public ConnectorClass connectorClass(String name, Map<String, String> annotations, ConnectorClassSpec.ApiSpec api) {
        ConnectorClass cls = new ConnectorClass();
        cls.setMetadata(new ObjectMetaBuilder().withName(name).withAnnotations(annotations.isEmpty() ? null : annotations)
                .build());
        cls.setSpec(new ConnectorClassSpec(null, null, new ConnectorClassSpec.AuthSpec(List.of(
                new ConnectorClassSpec.AuthType("basicAuth", "kubernetes.io/basic-auth", true, null, null))),
                null, api));
        ConnectorClass created = client.resource(cls).createOr(io.fabric8.kubernetes.client.dsl.NonDeletingOperation::update);
        await().atMost(VISIBLE).until(() -> caches.connectorClass(name)
                .filter(seen -> Objects.equals(seen.getMetadata().getResourceVersion(),
                        created.getMetadata().getResourceVersion())).isPresent());
        return created;
    }

    public Connector connector(String namespace, String name, String className, String address, String secretName,
            List<NamedValue> addressExtensions) {
        Connector connector = new Connector();
        connector.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
        connector.setSpec(new ConnectorSpec(className, address, addressExtensions,
                secretName == null ? null : new ConnectorAuth("basicAuth", new SecretReference(secretName, null), null),
                null, null));
        Connector created = client.resource(connector).createOr(io.fabric8.kubernetes.client.dsl.NonDeletingOperation::update);
        awaitConnector(namespace, name, created.getMetadata().getResourceVersion());
        return created;
    }

    public void awaitConnector(String namespace, String name, String resourceVersion) {
        await().atMost(VISIBLE).until(() -> caches.connector(namespace, name)
                .filter(seen -> Objects.equals(seen.getMetadata().getResourceVersion(), resourceVersion)).isPresent());
    }

    /** A Secret with the opt-in label {@link InformerCaches#CONNECTOR_SECRET_LABEL}, once the gateway sees it. */
    public Secret secret(String namespace, String name, String type, Map<String, String> plainData) {
        Secret created = createSecret(namespace, name, type, plainData,
                Map.of(InformerCaches.CONNECTOR_SECRET_LABEL, "true"));
        await().atMost(VISIBLE).until(() -> caches.secret(namespace, name)
                .filter(seen -> Objects.equals(seen.getMetadata().getResourceVersion(),
                        created.getMetadata().getResourceVersion())).isPresent());
        return created;
    }

    /**
     * A Secret without the opt-in label. Not awaited: a gateway that requires the label never sees it
     * (create a labelled Secret after it and await that one to know the gateway had its chance).
     */
    public Secret unlabelledSecret(String namespace, String name, String type, Map<String, String> plainData) {
        return createSecret(namespace, name, type, plainData, Map.of());
    }

    private Secret createSecret(String namespace, String name, String type, Map<String, String> plainData,
            Map<String, String> labels) {
        Map<String, String> data = new LinkedHashMap<>();
        plainData.forEach((key, value) -> data.put(key,
                Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))));
        Secret secret = new SecretBuilder().withNewMetadata().withNamespace(namespace).withName(name)
                .withLabels(labels).endMetadata().withType(type).withData(data).build();
        return client.resource(secret).createOr(io.fabric8.kubernetes.client.dsl.NonDeletingOperation::update);
    }

    /** Sets one feature flag in the system namespace's ConfigMap and waits until the gateway sees it. */
    public void flag(String key, boolean enabled) {
        String namespace = "connectors-system";
        ConfigMap existing = client.configMaps().inNamespace(namespace).withName("connectors-config").get();
        Map<String, String> data = new LinkedHashMap<>(existing == null || existing.getData() == null
                ? Map.of() : existing.getData());
        data.put(key, Boolean.toString(enabled));
        ConfigMap configMap = new ConfigMapBuilder().withNewMetadata().withNamespace(namespace)
                .withName("connectors-config").endMetadata().withData(data).build();
        ConfigMap applied = existing == null ? client.resource(configMap).create()
                : client.resource(configMap).update();
        await().atMost(VISIBLE).until(() -> caches.flagsConfigMap()
                .filter(seen -> Objects.equals(seen.getMetadata().getResourceVersion(),
                        applied.getMetadata().getResourceVersion())).isPresent());
    }
}
