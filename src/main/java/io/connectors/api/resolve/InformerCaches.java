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
    /**
     * The opt-in label of Secrets a Connector may use (with {@code connectors.secrets.require-label}):
     * set by whoever may write the Secret, which is what decides that it may be spent by Connectors.
     */
    public static final String CONNECTOR_SECRET_LABEL = "connectors.cpaas.io/connector-secret";
    private static final String ALL_NAMESPACES = "";

    private final KubernetesClient client;
    private final ConnectorsConfig config;
    private final List<SharedIndexInformer<?>> all = new ArrayList<>();
    private final Map<String, SharedIndexInformer<Connector>> connectors = new LinkedHashMap<>();
    private final Map<String, SharedIndexInformer<Secret>> secrets = new LinkedHashMap<>();
    private final List<Runnable> classListeners = new CopyOnWriteArrayList<>();
    private final List<Runnable> connectorListeners = new CopyOnWriteArrayList<>();
    private SharedIndexInformer<ConnectorClass> classes;
    private SharedIndexInformer<ConfigMap> flags;
    private SharedIndexInformer<Secret> caSecrets;
    private SharedIndexInformer<Secret> proxyCa;

    InformerCaches(KubernetesClient client, ConnectorsConfig config) {
        this.client = client;
        this.config = config;
    }

    void start(@Observes StartupEvent event) {
        List<String> namespaces = config.namespaces().orElse(List.of());
        Set<String> secretNamespaces = new LinkedHashSet<>(namespaces);
        for (String namespace : namespaces.isEmpty() ? List.of(ALL_NAMESPACES) : namespaces) {
            connectors.put(namespace, register(inNamespace(client.resources(Connector.class), namespace)
                    .runnableInformer(0)));
        }
        boolean requireLabel = config.secrets().requireLabel();
        for (String namespace : secretNamespaces.isEmpty() ? Set.of(ALL_NAMESPACES) : secretNamespaces) {
            FilterWatchListDeletable<Secret, ?, Resource<Secret>> selected = inNamespace(client.secrets(), namespace);
            if (requireLabel) {
                // Selected by the API server: an unlabelled Secret never reaches this process.
                selected = selected.withLabel(CONNECTOR_SECRET_LABEL, "true");
            }
            if (config.secrets().skipUnusableTypes()) {
                selected = selected.withoutField("type", "kubernetes.io/service-account-token")
                        .withoutField("type", "helm.sh/release.v1");
            }
            secrets.put(namespace, register(selected.runnableInformer(0)));
        }
        // CA bundles are only ever read from the system namespace, and only the labelled ones: their
        // own informer, so that they are no Connector credentials and need no read of the whole namespace.
        caSecrets = register(client.secrets().inNamespace(config.systemNamespace())
                .withLabel(CA_CERT_LABEL, "true").runnableInformer(0));
        if (config.forwardProxy().enabled()) {
            // The forward proxy's CA: one Secret by name, so that a rotated CA signs the next tunnel's certificate.
            proxyCa = register(client.secrets().inNamespace(config.systemNamespace())
                    .withName(config.forwardProxy().caSecret()).runnableInformer(0));
        }
        classes = register(client.resources(ConnectorClass.class).runnableInformer(0));
        classes.addEventHandler(notifying(classListeners));
        connectors.values().forEach(informer -> informer.addEventHandler(notifying(connectorListeners)));
        flags = register(client.configMaps().inNamespace(config.systemNamespace())
                .withName(config.configMapName()).runnableInformer(0));
        all.forEach(informer -> informer.start());
        LOG.infof("watching Connectors in %s, Secrets%s in %s, CA Secrets in %s, flags in ConfigMap %s/%s",
                namespaces.isEmpty() ? "all namespaces" : namespaces,
                requireLabel ? " labelled " + CONNECTOR_SECRET_LABEL + "=true" : "",
                secretNamespaces.isEmpty() ? "all namespaces" : secretNamespaces,
                config.systemNamespace(), config.systemNamespace(), config.configMapName());
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
        if (caSecrets != null) {
            state.put("ca-secrets/" + config.systemNamespace(), caSecrets.hasSynced());
        }
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

    /**
     * A Secret a Connector may use: with {@code connectors.secrets.require-label} only a labelled one
     * (the informers hold no other), and empty for a missing Secret and an unlabelled one alike.
     */
    public Optional<Secret> secret(String namespace, String name) {
        return byKey(secrets, namespace, name)
                .filter(secret -> !config.secrets().requireLabel() || isConnectorSecret(secret));
    }

    /** Whether a Secret is in memory at all, usable or not (tests: the label selector keeps others out). */
    boolean holds(String namespace, String name) {
        return byKey(secrets, namespace, name).isPresent();
    }

    public static boolean isConnectorSecret(Secret secret) {
        return hasTrueLabel(secret, CONNECTOR_SECRET_LABEL);
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

    /** The forward proxy's CA Secret ({@code connectors.forward-proxy.ca-secret} in the system namespace), if there is one. */
    public Optional<Secret> proxyCaSecret() {
        return proxyCa == null ? Optional.empty() : Optional.ofNullable(proxyCa.getStore()
                .getByKey(config.systemNamespace() + "/" + config.forwardProxy().caSecret()));
    }

    /** Secrets in the system namespace labelled as CA-certificate bundles. */
    public List<Secret> caCertSecrets() {
        return caSecrets == null ? List.of()
                : caSecrets.getStore().list().stream().filter(secret -> hasTrueLabel(secret, CA_CERT_LABEL)).toList();
    }

    private static boolean hasTrueLabel(Secret secret, String label) {
        Map<String, String> labels = secret.getMetadata() == null ? null : secret.getMetadata().getLabels();
        return labels != null && "true".equals(labels.get(label));
    }

    /** Called (on the informer's thread) after every add, update or delete of a ConnectorClass. */
    public void onConnectorClassesChanged(Runnable listener) {
        classListeners.add(listener);
    }

    /** Called (on the informer's thread) after every add, update or delete of a Connector. */
    public void onConnectorsChanged(Runnable listener) {
        connectorListeners.add(listener);
    }

    /** The Connectors of one namespace, from the informers' namespace index (none when it is not watched). */
    public List<Connector> connectors(String namespace) {
        List<Connector> found = new ArrayList<>();
        for (SharedIndexInformer<Connector> informer : connectors.values()) {
            found.addAll(informer.getIndexer().byIndex(io.fabric8.kubernetes.client.informers.cache.Cache.NAMESPACE_INDEX,
                    namespace));
        }
        return found;
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
        sizes.put("secrets", secrets.values().stream().mapToInt(i -> i.getStore().listKeys().size()).sum()
                + (caSecrets == null ? 0 : caSecrets.getStore().listKeys().size()));
        sizes.put("connectorclasses", classes == null ? 0 : classes.getStore().listKeys().size());
        return sizes;
    }
}
