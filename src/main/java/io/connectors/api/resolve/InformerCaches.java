package io.connectors.api.resolve;

import io.connectors.api.config.ConnectorsConfig;
import io.connectors.api.model.Connector;
import io.connectors.api.model.ConnectorClass;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jboss.logging.Logger;

/**
 * The gateway's whole view of the cluster: informers over Connectors, ConnectorClasses, Secrets
 * and the feature-flag ConfigMap. The request path reads these stores and never the API server.
 */
@ApplicationScoped
public class InformerCaches {

    private static final Logger LOG = Logger.getLogger(InformerCaches.class);
    /** Secrets with this label in the system namespace hold CA certificates for tools' TLS. */
    public static final String CA_CERT_LABEL = "connectors.cpaas.io/ca-cert";
    private static final String ALL_NAMESPACES = "";
    private static final String CA_CERT_INDEX = "ca-cert-namespace";

    private final KubernetesClient client;
    private final ConnectorsConfig config;
    private final List<SharedIndexInformer<?>> all = new ArrayList<>();
    private final Map<String, SharedIndexInformer<Connector>> connectors = new LinkedHashMap<>();
    private final Map<String, SharedIndexInformer<Secret>> secrets = new LinkedHashMap<>();
    private final List<Runnable> classListeners = new CopyOnWriteArrayList<>();
    private final List<Runnable> connectorListeners = new CopyOnWriteArrayList<>();
    private SharedIndexInformer<ConnectorClass> classes;
    private SharedIndexInformer<ConfigMap> flags;

    InformerCaches(KubernetesClient client, ConnectorsConfig config) {
        this.client = client;
        this.config = config;
    }

    void start(@Observes StartupEvent event) {
        List<String> namespaces = config.namespaces().orElse(List.of());
        Set<String> secretNamespaces = new LinkedHashSet<>(namespaces);
        if (!namespaces.isEmpty()) {
            secretNamespaces.add(config.systemNamespace());
        }
        for (String namespace : namespaces.isEmpty() ? List.of(ALL_NAMESPACES) : namespaces) {
            connectors.put(namespace, register(inNamespace(client.resources(Connector.class), namespace)
                    .runnableInformer(0)));
        }
        for (String namespace : secretNamespaces.isEmpty() ? Set.of(ALL_NAMESPACES) : secretNamespaces) {
            FilterWatchListDeletable<Secret, ?, Resource<Secret>> selected = inNamespace(client.secrets(), namespace);
            if (config.secrets().skipUnusableTypes()) {
                selected = selected.withoutField("type", "kubernetes.io/service-account-token")
                        .withoutField("type", "helm.sh/release.v1");
            }
            SharedIndexInformer<Secret> informer = selected.runnableInformer(0);
            // Indexed so that the CA-certificate Secrets are found without scanning every Secret.
            informer.addIndexers(Map.of(CA_CERT_INDEX, secret -> isCaCertSecret(secret)
                    ? List.of(secret.getMetadata().getNamespace()) : List.of()));
            secrets.put(namespace, register(informer));
        }
        classes = register(client.resources(ConnectorClass.class).runnableInformer(0));
        classes.addEventHandler(notifying(classListeners));
        connectors.values().forEach(informer -> informer.addEventHandler(notifying(connectorListeners)));
        flags = register(client.configMaps().inNamespace(config.systemNamespace())
                .withName(config.configMapName()).runnableInformer(0));
        all.forEach(informer -> informer.start());
        LOG.infof("watching Connectors in %s, Secrets in %s, flags in ConfigMap %s/%s",
                namespaces.isEmpty() ? "all namespaces" : namespaces,
                secretNamespaces.isEmpty() ? "all namespaces" : secretNamespaces,
                config.systemNamespace(), config.configMapName());
    }

    void stop(@Observes ShutdownEvent event) {
        all.forEach(SharedIndexInformer::stop);
    }

    private static <T extends HasMetadata, L> FilterWatchListDeletable<T, L, Resource<T>> inNamespace(
            io.fabric8.kubernetes.client.dsl.MixedOperation<T, L, Resource<T>> operation, String namespace) {
        return ALL_NAMESPACES.equals(namespace) ? operation.inAnyNamespace() : operation.inNamespace(namespace);
    }

    private <T> SharedIndexInformer<T> register(SharedIndexInformer<T> informer) {
        // Keep retrying through API-server outages instead of giving up after the first failed list.
        informer.exceptionHandler((started, failure) -> {
            LOG.warnf("informer of %s failed (%s); retrying", informer.getApiTypeClass().getSimpleName(),
                    failure.getClass().getSimpleName());
            return true;
        });
        all.add(informer);
        return informer;
    }

    /** True once every informer has listed its resources at least once. */
    public boolean synced() {
        return !all.isEmpty() && all.stream().allMatch(SharedIndexInformer::hasSynced);
    }

    /** Informer name → synced, for the readiness check. */
    public Map<String, Boolean> syncState() {
        Map<String, Boolean> state = new LinkedHashMap<>();
        connectors.forEach((ns, informer) -> state.put("connectors" + scope(ns), informer.hasSynced()));
        secrets.forEach((ns, informer) -> state.put("secrets" + scope(ns), informer.hasSynced()));
        if (classes != null) {
            state.put("connectorclasses", classes.hasSynced());
            state.put("configmap", flags.hasSynced());
        }
        return state;
    }

    private static String scope(String namespace) {
        return ALL_NAMESPACES.equals(namespace) ? "" : "/" + namespace;
    }

    public Optional<Connector> connector(String namespace, String name) {
        return byKey(connectors, namespace, name);
    }

    public Optional<Secret> secret(String namespace, String name) {
        return byKey(secrets, namespace, name);
    }

    public Optional<ConnectorClass> connectorClass(String name) {
        return classes == null ? Optional.empty() : Optional.ofNullable(classes.getStore().getByKey(name));
    }

    public List<ConnectorClass> connectorClasses() {
        return classes == null ? List.of() : classes.getStore().list();
    }

    public Optional<ConfigMap> flagsConfigMap() {
        return flags == null ? Optional.empty()
                : Optional.ofNullable(flags.getStore().getByKey(config.systemNamespace() + "/" + config.configMapName()));
    }

    /** Secrets in the system namespace labelled as CA-certificate bundles. */
    public List<Secret> caCertSecrets() {
        SharedIndexInformer<Secret> informer = informerFor(secrets, config.systemNamespace());
        if (informer == null) {
            return List.of();
        }
        return informer.getIndexer().byIndex(CA_CERT_INDEX, config.systemNamespace());
    }

    private static boolean isCaCertSecret(Secret secret) {
        Map<String, String> labels = secret.getMetadata().getLabels();
        return labels != null && "true".equals(labels.get(CA_CERT_LABEL));
    }

    /** Called (on the informer's thread) after every add, update or delete of a ConnectorClass. */
    public void onConnectorClassesChanged(Runnable listener) {
        classListeners.add(listener);
    }

    /** Called (on the informer's thread) after every add, update or delete of a Connector. */
    public void onConnectorsChanged(Runnable listener) {
        connectorListeners.add(listener);
    }

    public List<Connector> connectors() {
        return connectors.values().stream().flatMap(informer -> informer.getStore().list().stream()).toList();
    }

    private static <T> ResourceEventHandler<T> notifying(List<Runnable> listeners) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                listeners.forEach(Runnable::run);
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                listeners.forEach(Runnable::run);
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                listeners.forEach(Runnable::run);
            }
        };
    }

    private static <T> Optional<T> byKey(Map<String, SharedIndexInformer<T>> informers, String namespace, String name) {
        SharedIndexInformer<T> informer = informerFor(informers, namespace);
        return informer == null ? Optional.empty()
                : Optional.ofNullable(informer.getStore().getByKey(namespace + "/" + name));
    }

    private static <T> SharedIndexInformer<T> informerFor(Map<String, SharedIndexInformer<T>> informers, String namespace) {
        SharedIndexInformer<T> informer = informers.get(namespace);
        return informer != null ? informer : informers.get(ALL_NAMESPACES);
    }

    /** Exposed for metrics: the number of objects each store holds. */
    public Map<String, Integer> sizes() {
        Map<String, Integer> sizes = new LinkedHashMap<>();
        sizes.put("connectors", connectors.values().stream().mapToInt(i -> i.getStore().listKeys().size()).sum());
        sizes.put("secrets", secrets.values().stream().mapToInt(i -> i.getStore().listKeys().size()).sum());
        sizes.put("connectorclasses", classes == null ? 0 : classes.getStore().listKeys().size());
        return sizes;
    }
}
