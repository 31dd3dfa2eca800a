package io.connectors.api.apiref;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.connectors.api.config.ConnectorsConfig;
import io.connectors.api.forward.ApiAddressResolver;
import io.connectors.api.forward.Destinations;
import io.connectors.api.forward.UpstreamClients;
import io.connectors.api.model.ConnectorClass;
import io.connectors.api.resolve.ClassDocuments;
import io.connectors.api.resolve.InformerCaches;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 * Class APIs that publish their own OpenAPI document: a ConnectorClass annotated
 * {@code connectors.alauda.io/api-spec-path: /openapi.json} has it fetched from
 * {@code <its resolved API address><path>} when that URL changes (the class's address, its ref's, the path) and every
 * {@code connectors.api-spec.refresh-period}. Its {@code paths} then build the class's routes
 * where {@code spec.api.openapi} has none of its own ({@link #openapi}). Every replica fetches
 * (each builds its own routes); only the status writer's leader writes the APISpecResolved condition.
 */
@ApplicationScoped
public class ApiSpecs implements ClassDocuments {

    private static final Logger LOG = Logger.getLogger(ApiSpecs.class);
    public static final String ANNOTATION = "connectors.alauda.io/api-spec-path";
    /** What every fetched operation is: the document describes the class API itself. */
    static final String PROVIDER_TYPE = "x-provider-type";
    static final String OPENAPI_ADDRESS = "x-openapi-address";
    static final long TICK_MILLIS = 1000;
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");

    /** Per class: the last state, the address last tried, and when the document is due again. */
    private record Entry(ApiSpecState state, String triedUrl, Instant due, boolean inFlight) {
    }

    private final InformerCaches caches;
    private final ApiAddressResolver addresses;
    private final ReferencedObjects referenced;
    private final ApiSpecFetcher fetcher;
    private final Duration refreshPeriod;
    private final Clock clock;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean pending = new AtomicBoolean();
    private ScheduledExecutorService worker;

    ApiSpecs(InformerCaches caches, ApiAddressResolver addresses, ReferencedObjects referenced, Vertx vertx,
            UpstreamClients clients, Destinations destinations, ConnectorsConfig config) {
        this.caches = caches;
        this.addresses = addresses;
        this.referenced = referenced;
        this.clock = Clock.systemUTC();
        this.refreshPeriod = config.apiSpec().refreshPeriod();
        this.fetcher = new ApiSpecFetcher(target -> clients.client(target, Optional.empty()), destinations::resolve,
                config.proxy().idleTimeout().plus(config.proxy().connectTimeout()), config.apiSpec().maxBytes(), clock);
    }

    void start(@Observes StartupEvent event) {
        worker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "api-specs");
            thread.setDaemon(true);
            return thread;
        });
        caches.onConnectorClassesChanged(this::requestCheck);
        referenced.onChanged(this::requestCheck);
        worker.scheduleWithFixedDelay(this::requestCheck, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        requestCheck();
    }

    void stop(@Observes ShutdownEvent event) {
        if (worker != null) {
            worker.shutdownNow();
        }
    }

    /** Called (on this class's own thread) when a fetched document, or the reason it is old, changes. */
    public void onChanged(Runnable listener) {
        listeners.add(listener);
    }

    /** The state of a class's own document; empty when the class has no annotation (or is not seen yet). */
    public Optional<ApiSpecState> state(String className) {
        return Optional.ofNullable(entries.get(className)).map(Entry::state);
    }

    public static Optional<String> specPath(ConnectorClass connectorClass) {
        Map<String, String> annotations = connectorClass.getMetadata() == null ? null
                : connectorClass.getMetadata().getAnnotations();
        String path = annotations == null ? null : annotations.get(ANNOTATION);
        return path == null || path.isBlank() ? Optional.empty() : Optional.of(path.trim());
    }

    /** Where a class's document is: its resolved API address and the annotation's path. */
    Optional<String> specUrl(ConnectorClass connectorClass) {
        return specPath(connectorClass).flatMap(path -> addresses.address(connectorClass).map(base -> {
            String trimmed = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
            return trimmed + (path.startsWith("/") ? path : "/" + path);
        }));
    }

    private void requestCheck() {
        if (worker != null && !worker.isShutdown() && pending.compareAndSet(false, true)) {
            worker.execute(() -> {
                pending.set(false);
                check();
            });
        }
    }

    /** On the worker: starts the fetches that are due; forgets classes gone or without the annotation. */
    private void check() {
        Set<String> annotated = new HashSet<>();
        boolean changed = false;
        Instant now = clock.instant();
        for (ConnectorClass connectorClass : caches.connectorClasses()) {
            if (specPath(connectorClass).isEmpty()) {
                continue;
            }
            String name = connectorClass.getMetadata().getName();
            annotated.add(name);
            Entry entry = entries.computeIfAbsent(name, k -> new Entry(ApiSpecState.NONE, null, now, false));
            if (entry.inFlight()) {
                continue;
            }
            Optional<String> url = specUrl(connectorClass);
            if (url.isEmpty()) {
                String why = "the API address of the class is not resolved, so its OpenAPI document cannot be fetched";
                if (!entry.state().error().equals(Optional.of(why))) {
                    entries.put(name, new Entry(entry.state().failed(null, why, now), null, now, false));
                    changed = true;
                }
                continue;
            }
            if (url.get().equals(entry.triedUrl()) && now.isBefore(entry.due())) {
                continue;
            }
            entries.put(name, new Entry(entry.state(), url.get(), now.plus(refreshPeriod), true));
            ApiSpecState before = entry.state();
            fetcher.fetch(url.get(), before).onComplete(result -> worker.execute(() -> {
                ApiSpecState after = result.succeeded() ? result.result()
                        : before.failed(url.get(), result.cause().getClass().getSimpleName(), clock.instant());
                entries.computeIfPresent(name, (k, current) -> new Entry(after, current.triedUrl(), current.due(), false));
                after.error().ifPresent(error -> LOG.infof("connectorclass %s: OpenAPI document not renewed: %s", name, error));
                if (!Objects.equals(before.sha256(), after.sha256()) || !before.error().equals(after.error())) {
                    if (!Objects.equals(before.sha256(), after.sha256())) {
                        LOG.infof("connectorclass %s: OpenAPI document sha256:%s from %s", name, after.sha256(), after.url());
                    }
                    notifyListeners();
                }
            }));
        }
        changed |= entries.keySet().retainAll(annotated);
        if (changed) {
            notifyListeners();
        }
    }

    private void notifyListeners() {
        listeners.forEach(Runnable::run);
    }

    /**
     * The class's OpenAPI document as the gateway uses it: its own {@code spec.api.openapi}, over
     * the fetched one. Fetched paths are kept where the inline document has none of that path
     * (inline paths win). A fetched operation only ever routes to the class API itself: it is an
     * {@code api} operation whatever its {@code x-provider-type} says, and its
     * {@code x-openapi-address} is dropped. Sending requests (and so Connector credentials) to
     * the tool or elsewhere stays the decision of whoever writes the class.
     */
    @Override
    public JsonNode openapi(ConnectorClass connectorClass) {
        JsonNode inline = ClassDocuments.INLINE.openapi(connectorClass);
        Optional<JsonNode> fetched = Optional.ofNullable(entries.get(connectorClass.getMetadata().getName()))
                .flatMap(entry -> entry.state().document());
        if (fetched.isEmpty() || specPath(connectorClass).isEmpty()) {
            return inline;
        }
        return merge(inline, fetched.get());
    }

    static JsonNode merge(JsonNode inline, JsonNode fetched) {
        ObjectNode merged = ((ObjectNode) fetched).deepCopy();
        ObjectNode paths = merged.get("paths") instanceof ObjectNode fetchedPaths ? fetchedPaths : merged.putObject("paths");
        paths.properties().forEach(item -> {
            if (item.getValue() instanceof ObjectNode pathItem) {
                pathItem.properties().forEach(operation -> {
                    if (METHODS.contains(operation.getKey()) && operation.getValue() instanceof ObjectNode op) {
                        op.set(PROVIDER_TYPE, TextNode.valueOf("api"));
                        op.remove(OPENAPI_ADDRESS);
                    }
                });
            }
        });
        if (inline instanceof ObjectNode own) {
            own.properties().forEach(field -> {
                if (!"paths".equals(field.getKey())) {
                    merged.set(field.getKey(), field.getValue().deepCopy());
                }
            });
            if (own.get("paths") instanceof ObjectNode ownPaths) {
                ownPaths.properties().forEach(item -> paths.set(item.getKey(), item.getValue().deepCopy()));
            }
        }
        return merged;
    }

    @Override
    public String version(ConnectorClass connectorClass) {
        String sha = Optional.ofNullable(entries.get(connectorClass.getMetadata().getName()))
                .map(entry -> entry.state().sha256()).orElse("");
        String resourceVersion = ClassDocuments.INLINE.version(connectorClass);
        return resourceVersion == null ? null : resourceVersion + "/" + sha;
    }
}
