package io.connectors.api.web;

import io.connectors.api.authz.AccessCheck;
import io.connectors.api.authz.AccessReviewer;
import io.connectors.api.model.Connector;
import io.connectors.api.openapi.NamespaceDocuments;
import io.connectors.api.request.Exchange;
import io.connectors.api.request.GatewayRoute.NamespaceOpenApi;
import io.connectors.api.request.Stages;
import io.connectors.api.resolve.InformerCaches;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code GET /connectors/v1alpha1/{ns}/openapi}: the namespace's curated OpenAPI document. Its
 * Connectors come from the informer cache; each one is in the document only when the caller may
 * get it, by the same (asynchronous) SubjectAccessReview as a request to it, a few at a time
 * ({@link AccessReviewer#allowedEach}). A caller who
 * may get none gets a document without paths, as for a namespace that does not exist: the document
 * tells nobody about a Connector they may not get. A review that fails fails the request (503),
 * never a document quietly missing a Connector.
 */
@ApplicationScoped
public class NamespaceOpenApiHandler implements Handler<RoutingContext> {

    private final InformerCaches caches;
    private final AccessReviewer access;
    private final NamespaceDocuments documents;
    private final PublicUrl publicUrl;

    NamespaceOpenApiHandler(InformerCaches caches, AccessReviewer access, NamespaceDocuments documents,
            PublicUrl publicUrl) {
        this.caches = caches;
        this.access = access;
        this.documents = documents;
        this.publicUrl = publicUrl;
    }

    @Override
    public void handle(RoutingContext ctx) {
        Exchange exchange = Exchange.of(ctx);
        if (!(exchange.route() instanceof NamespaceOpenApi route)) {
            ctx.next();
            return;
        }
        String base = publicUrl.base(ctx.request());
        String namespace = route.namespace();
        List<Connector> connectors = caches.connectors(namespace);
        // A few reviews at a time, their decisions kept apart from those of the callers' own requests.
        CompletableFuture<List<Boolean>> reviews = access.allowedEach(exchange.identity(), connectors.stream()
                .map(connector -> AccessCheck.getConnector(namespace, connector.getMetadata().getName()))
                .toList());
        Stages.then(ctx, reviews, decisions -> {
            List<Connector> allowed = new ArrayList<>();
            for (int i = 0; i < connectors.size(); i++) {
                if (decisions.get(i)) {
                    allowed.add(connectors.get(i));
                }
            }
            OpenApiHandler.send(ctx, documents.forNamespace(namespace, allowed, base));
        });
    }
}
