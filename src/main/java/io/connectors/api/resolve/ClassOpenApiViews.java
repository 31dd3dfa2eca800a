package io.connectors.api.resolve;

import com.fasterxml.jackson.databind.JsonNode;
import io.connectors.api.model.ConnectorClass;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * One value derived from each ConnectorClass's {@code spec.api.openapi} (compiled routes, a
 * rendered document), derived again only when that document changes. Readers get one immutable
 * map, replaced whole, so they never see a half-done refresh.
 */
public final class ClassOpenApiViews<V> {

    private record Entry<V>(String resourceVersion, JsonNode openapi, V value) {
    }

    /** (class name, its openapi document or null) → value; must not throw. */
    private final BiFunction<String, JsonNode, V> derive;
    private volatile Map<String, Entry<V>> entries = Map.of();
    private volatile ClassDocuments documents = ClassDocuments.INLINE;

    public ClassOpenApiViews(BiFunction<String, JsonNode, V> derive) {
        this.derive = derive;
    }

    /** Where each class's document comes from (default: {@code spec.api.openapi} alone). */
    public void documents(ClassDocuments documents) {
        this.documents = documents;
    }

    /** Refreshes now and on every ConnectorClass change the informer reports. */
    public void follow(InformerCaches caches) {
        caches.onConnectorClassesChanged(() -> refresh(caches.connectorClasses()));
        refresh(caches.connectorClasses());
    }

    public Optional<V> get(String className) {
        Entry<V> entry = entries.get(className);
        return entry == null ? Optional.empty() : Optional.of(entry.value());
    }

    /**
     * Brings the views in line with these classes, the whole current set. The listener tells
     * nothing about which class changed, so a class is derived again when its resourceVersion
     * (or its fetched document's) version moved and its document is not equal to the one derived
     * before (a status update is not).
     */
    public synchronized void refresh(Collection<ConnectorClass> classes) {
        Map<String, Entry<V>> previous = entries;
        Map<String, Entry<V>> next = new HashMap<>();
        for (ConnectorClass connectorClass : classes) {
            String name = connectorClass.getMetadata().getName();
            ClassDocuments source = documents;
            String resourceVersion = source.version(connectorClass);
            JsonNode openapi = source.openapi(connectorClass);
            Entry<V> before = previous.get(name);
            boolean unchanged = before != null && ((resourceVersion != null
                    && resourceVersion.equals(before.resourceVersion())) || Objects.equals(before.openapi(), openapi));
            next.put(name, unchanged ? new Entry<>(resourceVersion, before.openapi(), before.value())
                    : new Entry<>(resourceVersion, openapi, derive.apply(name, openapi)));
        }
        entries = Map.copyOf(next);
    }

    static JsonNode openapiOf(ConnectorClass connectorClass) {
        if (connectorClass.getSpec() == null || connectorClass.getSpec().api() == null) {
            return null;
        }
        return connectorClass.getSpec().api().openapi();
    }
}
