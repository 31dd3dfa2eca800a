package io.connectors.api.apiref;

import io.connectors.api.config.ConnectorsConfig;
import io.connectors.api.model.ConnectorClass;
import io.connectors.api.model.ConnectorClassSpec.ObjectRef;
import io.connectors.api.resolve.InformerCaches;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * The objects ConnectorClasses reference in {@code spec.api.ref} and {@code spec.proxy.ref}, other
 * than core Services (whose URL is their cluster DNS name): one informer (dynamic client,
 * {@link GenericKubernetesResource}) per referenced kind and namespace, started when a class first
 * references it and stopped when none does any more. Only kinds listed in
 * {@code connectors.api-refs.kinds} are watched, the ones the gateway's ClusterRole lets it read.
 * Lookups read the informers' stores only: the request path never calls the API server.
 */
@ApplicationScoped
public class ReferencedObjects implements RefLookup {

    private static final Logger LOG = Logger.getLogger(ReferencedObjects.class);
    /** How soon a kind the cluster does not serve (yet: a CRD installed later) is looked up again. */
    static final long RETRY_SECONDS = 10;

    /** One watched (group, kind, namespace). */
    record Key(String group, String kind, String namespace) {
    }

    private final KubernetesClient client;
    private final InformerCaches caches;
    private final List<String> allowedKinds;
    private final String defaultNamespace;
    private final Map<Key, SharedIndexInformer<GenericKubernetesResource>> informers = new ConcurrentHashMap<>();
    /** Why a referenced kind is not watched (not served by the cluster, not readable...). */
    private final Map<Key, String> failures = new ConcurrentHashMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean pending = new AtomicBoolean();
    private ScheduledExecutorService worker;
    private volatile boolean stopped;

    ReferencedObjects(KubernetesClient client, InformerCaches caches, ConnectorsConfig config) {
        this.client = client;
        this.caches = caches;
        this.allowedKinds = config.apiRefs().kinds().orElse(List.of());
        this.defaultNamespace = config.systemNamespace();
    }

    void start(@Observes StartupEvent event) {
        worker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "api-refs");
            thread.setDaemon(true);
            return thread;
        });
        caches.onConnectorClassesChanged(this::requestSync);
        worker.scheduleWithFixedDelay(() -> {
            if (!failures.isEmpty()) {
                requestSync();
            }
        }, RETRY_SECONDS, RETRY_SECONDS, TimeUnit.SECONDS);
        requestSync();
    }

    void stop(@Observes ShutdownEvent event) {
        stopped = true;
        if (worker != null) {
            worker.shutdownNow();
        }
        informers.values().forEach(SharedIndexInformer::stop);
    }

    /** Called (on an informer's thread) when a referenced object is added, changed or deleted. */
    public void onChanged(Runnable listener) {
        listeners.add(listener);
    }

    public boolean allowed(RefKind kind) {
        return allowedKinds.stream().anyMatch(kind::matches);
    }

    @Override
    public String namespaceOf(ObjectRef ref) {
        return ref.namespace() == null || ref.namespace().isBlank() ? defaultNamespace : ref.namespace().trim();
    }

    /** The referenced object from the informer's store; never calls the API server. */
    @Override
    public Lookup lookup(RefKind kind, ObjectRef ref) {
        if (!allowed(kind)) {
            return Lookup.missing("KindNotAllowed", kind.qualifiedName() + " is not in connectors.api-refs.kinds "
                    + allowedKinds + ": the gateway does not read it");
        }
        String namespace = namespaceOf(ref);
        Key key = new Key(kind.group(), kind.kind(), namespace);
        String failure = failures.get(key);
        if (failure != null) {
            return Lookup.missing("KindNotServed", failure);
        }
        SharedIndexInformer<GenericKubernetesResource> informer = informers.get(key);
        if (informer == null || !informer.hasSynced()) {
            return Lookup.missing("ReferencePending", kind.qualifiedName() + " objects in namespace " + namespace
                    + " are not read yet");
        }
        GenericKubernetesResource object = informer.getStore().getByKey(namespace + "/" + ref.name().trim());
        return object == null ? Lookup.missing("ReferenceNotFound", kind.qualifiedName() + " " + namespace + "/"
                + ref.name().trim() + " does not exist") : Lookup.found(object);
    }

    private void requestSync() {
        if (!stopped && worker != null && pending.compareAndSet(false, true)) {
            worker.execute(() -> {
                pending.set(false);
                try {
                    sync();
                } catch (RuntimeException e) {
                    LOG.warnf("referenced objects not synchronised: %s", e.toString());
                }
            });
        }
    }

    /** Brings the informers in line with what the classes reference now (on the worker: discovery blocks). */
    private void sync() {
        Map<Key, RefKind> wanted = new HashMap<>();
        for (ConnectorClass connectorClass : caches.connectorClasses()) {
            if (connectorClass.getSpec() == null) {
                continue;
            }
            for (ObjectRef ref : refsOf(connectorClass)) {
                RefKind.of(ref).filter(kind -> !kind.isCoreService() && allowed(kind))
                        .ifPresent(kind -> wanted.put(new Key(kind.group(), kind.kind(), namespaceOf(ref)), kind));
            }
        }
        Set<Key> gone = new HashSet<>(informers.keySet());
        gone.removeAll(wanted.keySet());
        for (Key key : gone) {
            LOG.infof("no class references %s in %s any more: not watched", key.kind(), key.namespace());
            informers.remove(key).stop();
        }
        failures.keySet().retainAll(wanted.keySet());
        wanted.forEach((key, kind) -> {
            if (!informers.containsKey(key)) {
                watch(key, kind);
            }
        });
    }

    static List<ObjectRef> refsOf(ConnectorClass connectorClass) {
        List<ObjectRef> refs = new java.util.ArrayList<>();
        var spec = connectorClass.getSpec();
        if (spec.api() != null && spec.api().ref() != null && spec.api().ref().name() != null
                && !spec.api().ref().name().isBlank()) {
            refs.add(spec.api().ref());
        }
        if (spec.proxy() != null && spec.proxy().ref() != null && spec.proxy().ref().name() != null
                && !spec.proxy().ref().name().isBlank()) {
            refs.add(spec.proxy().ref());
        }
        return refs;
    }

    private void watch(Key key, RefKind kind) {
        try {
            String version = kind.version().orElseGet(() -> preferredVersion(kind.group()));
            String apiVersion = kind.group().isEmpty() ? version : kind.group() + "/" + version;
            APIResourceList resources = client.getApiResources(apiVersion);
            Optional<APIResource> resource = resources == null || resources.getResources() == null ? Optional.empty()
                    : resources.getResources().stream()
                            .filter(r -> kind.kind().equals(r.getKind()) && !r.getName().contains("/")).findFirst();
            if (resource.isEmpty()) {
                failures.put(key, "the cluster serves no " + kind.kind() + " in " + apiVersion);
                notifyListeners();
                return;
            }
            ResourceDefinitionContext context = new ResourceDefinitionContext.Builder().withGroup(kind.group())
                    .withVersion(version).withKind(kind.kind()).withPlural(resource.get().getName())
                    .withNamespaced(Boolean.TRUE.equals(resource.get().getNamespaced())).build();
            var operation = client.genericKubernetesResources(context);
            SharedIndexInformer<GenericKubernetesResource> informer = (context.isNamespaceScoped()
                    ? operation.inNamespace(key.namespace()) : operation).runnableInformer(0);
            informer.exceptionHandler((started, failure) -> {
                LOG.warnf("informer of %s in %s failed (%s); retrying", kind.qualifiedName(), key.namespace(),
                        failure.getClass().getSimpleName());
                return true;
            });
            informer.addEventHandler(new ResourceEventHandler<>() {
                @Override
                public void onAdd(GenericKubernetesResource obj) {
                    notifyListeners();
                }

                @Override
                public void onUpdate(GenericKubernetesResource oldObj, GenericKubernetesResource newObj) {
                    notifyListeners();
                }

                @Override
                public void onDelete(GenericKubernetesResource obj, boolean deletedFinalStateUnknown) {
                    notifyListeners();
                }
            });
            failures.remove(key);
            informers.put(key, informer);
            informer.start().whenComplete((ignored, failure) -> notifyListeners());
            LOG.infof("watching %s in namespace %s (%s), referenced by a ConnectorClass", kind.qualifiedName(),
                    key.namespace(), apiVersion);
        } catch (RuntimeException e) {
            failures.put(key, kind.qualifiedName() + " cannot be read: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + firstLine(e.getMessage())));
            LOG.warnf("%s referenced by a ConnectorClass is not watched: %s", kind.qualifiedName(), failures.get(key));
            notifyListeners();
        }
    }

    private String preferredVersion(String group) {
        var apiGroup = client.getApiGroup(group);
        if (apiGroup == null || apiGroup.getPreferredVersion() == null) {
            throw new IllegalStateException("the cluster serves no API group " + group);
        }
        return apiGroup.getPreferredVersion().getVersion();
    }

    private static String firstLine(String message) {
        int newline = message.indexOf('\n');
        String line = newline < 0 ? message : message.substring(0, newline);
        return line.length() > 200 ? line.substring(0, 200) : line;
    }

    private void notifyListeners() {
        listeners.forEach(Runnable::run);
    }
}
