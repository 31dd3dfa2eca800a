package io.connectors.api.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.connectors.api.apiref.ApiSpecs;
import io.connectors.api.model.Connector;
import io.connectors.api.model.ConnectorClass;
import io.connectors.api.resolve.ClassOpenApiViews;
import io.connectors.api.resolve.InformerCaches;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Collection;
import java.util.Optional;

/**
 * The OpenAPI documents the gateway serves (spec §3, §7). A class's document and its ETag are
 * rendered when the class's {@code spec.api.openapi} changes; a Connector's is rendered from it
 * on first use and kept, bounded, for as long as the class document and the request base stay.
 */
@ApplicationScoped
public class OpenApiDocuments {

    /** A class's document as it is (shared: never modify it), and as served. */
    public record ClassDocument(ObjectNode document, ServedDocument served) {
    }

    private record ConnectorKey(String classEtag, String apiPath, String base) {
    }

    private final ClassOpenApiViews<Optional<ClassDocument>> classes =
            new ClassOpenApiViews<>((name, openapi) -> render(openapi));
    // Bounded: the request base comes from the caller's Host header.
    private final Cache<ConnectorKey, ServedDocument> connectors = Caffeine.newBuilder().maximumSize(1_000).build();

    void follow(@Observes StartupEvent event, InformerCaches caches, ApiSpecs specs) {
        classes.documents(specs);
        specs.onChanged(() -> classes.refresh(caches.connectorClasses()));
        classes.follow(caches);
    }

    /** Brings the documents in line with these classes, the informer's whole store. */
    public void refresh(Collection<ConnectorClass> connectorClasses) {
        classes.refresh(connectorClasses);
    }

    /** Empty when the class is unknown or has no {@code spec.api.openapi} object. */
    public Optional<ServedDocument> forClass(String className) {
        return classes.get(className).flatMap(document -> document.map(ClassDocument::served));
    }

    /** {@code base}: scheme://host[:port] as the caller reached the gateway. */
    public Optional<ServedDocument> forConnector(String className, String namespace, String name, String base) {
        return classes.get(className).flatMap(document -> document.map(classDocument -> {
            String apiPath = Connector.apiPath(namespace, name);
            return connectors.get(new ConnectorKey(classDocument.served().etag(), apiPath, base),
                    key -> ServedDocument.of(OpenApiRewriter.forConnector(classDocument.document(), apiPath, base)));
        }));
    }

    /** The class's document itself, for documents built from several classes; empty like {@link #forClass}. */
    public Optional<ClassDocument> classDocument(String className) {
        return classes.get(className).flatMap(document -> document);
    }

    private static Optional<ClassDocument> render(JsonNode openapi) {
        return openapi instanceof ObjectNode document
                ? Optional.of(new ClassDocument(document, ServedDocument.of(document)))
                : Optional.empty();
    }
}
