package io.connectors.api.web;

import io.connectors.api.config.ConnectorsConfig;
import io.connectors.api.errors.GatewayError;
import io.connectors.api.errors.StatusResponder;
import io.connectors.api.openapi.EntityTags;
import io.connectors.api.openapi.OpenApiDocuments;
import io.connectors.api.openapi.ServedDocument;
import io.connectors.api.resolve.ConnectorResolver;
import io.connectors.api.web.GatewayRoute.ClassOpenApi;
import io.connectors.api.web.GatewayRoute.ConnectorOpenApi;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The OpenAPI documents (spec §3, §7): a class's, for any authenticated caller, and a Connector's,
 * for callers who may get the Connector. Both carry an ETag; {@code If-None-Match} gives 304.
 */
@ApplicationScoped
public class OpenApiHandler {

    private final ConnectorApiPipeline pipeline;
    private final ConnectorResolver resolver;
    private final OpenApiDocuments documents;
    private final boolean trustForwarded;

    OpenApiHandler(ConnectorApiPipeline pipeline, ConnectorResolver resolver, OpenApiDocuments documents,
            ConnectorsConfig config) {
        this.pipeline = pipeline;
        this.resolver = resolver;
        this.documents = documents;
        this.trustForwarded = config.proxy().trustForwardedHeaders();
    }

    void handleClass(RoutingContext ctx, ClassOpenApi route) {
        Exchange.of(ctx).connectorClass(route.className());
        pipeline.authenticate(ctx)
                .map(identity -> documents.forClass(route.className()).orElseThrow(() -> GatewayError.notFound(
                        "connectorclass \"" + route.className() + "\" has no OpenAPI document")))
                .onSuccess(document -> send(ctx, document))
                .onFailure(failure -> StatusResponder.respond(ctx, failure));
    }

    void handleConnector(RoutingContext ctx, ConnectorOpenApi route) {
        pipeline.authorizeConnector(ctx, route.namespace(), route.name())
                .map(identity -> {
                    String className = resolver.connectorClass(route.namespace(), route.name()).getMetadata().getName();
                    Exchange.of(ctx).connectorClass(className);
                    return documents.forConnector(className, route.namespace(), route.name(),
                            RequestBase.of(ctx.request(), trustForwarded)).orElseThrow(() -> GatewayError.notFound(
                                    "connectorclass \"" + className + "\" of connector \"" + route.name()
                                            + "\" has no OpenAPI document"));
                })
                .onSuccess(document -> send(ctx, document))
                .onFailure(failure -> StatusResponder.respond(ctx, failure));
    }

    private static void send(RoutingContext ctx, ServedDocument document) {
        // The router paused the request for streaming; a GET's (empty) body is simply let through.
        ctx.request().resume();
        HttpServerResponse response = ctx.response().putHeader(HttpHeaders.ETAG, document.etag());
        if (EntityTags.noneMatchHits(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH), document.etag())) {
            response.setStatusCode(304).end();
            return;
        }
        response.putHeader(HttpHeaders.CONTENT_TYPE, ServedDocument.CONTENT_TYPE).end(Buffer.buffer(document.body()));
    }
}
