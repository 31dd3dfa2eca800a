package io.connectors.api.web;

import io.connectors.api.errors.GatewayError;
import io.connectors.api.openapi.EntityTags;
import io.connectors.api.openapi.OpenApiDocuments;
import io.connectors.api.openapi.ServedDocument;
import io.connectors.api.request.Exchange;
import io.connectors.api.request.GatewayRoute;
import io.connectors.api.request.GatewayRoute.ClassOpenApi;
import io.connectors.api.request.GatewayRoute.ConnectorOpenApi;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;

/**
 * The OpenAPI documents (spec §3, §7): a class's, for any authenticated caller, and a Connector's,
 * for callers who may get the Connector. Both carry an ETag; {@code If-None-Match} gives 304.
 */
@Singleton
public class OpenApiHandler implements Handler<RoutingContext> {

    private final OpenApiDocuments documents;
    private final PublicUrl publicUrl;

    OpenApiHandler(OpenApiDocuments documents, PublicUrl publicUrl) {
        this.documents = documents;
        this.publicUrl = publicUrl;
    }

    @Override
    public void handle(RoutingContext ctx) {
        Exchange exchange = Exchange.of(ctx);
        GatewayRoute route = exchange.route();
        if (route instanceof ClassOpenApi classOpenApi) {
            exchange.connectorClass(classOpenApi.className());
            send(ctx, documents.forClass(classOpenApi.className()).orElseThrow(() -> GatewayError.notFound(
                    "connectorclass \"" + classOpenApi.className() + "\" has no OpenAPI document")));
        } else if (route instanceof ConnectorOpenApi connectorOpenApi) {
            String className = exchange.connectorClass();
            send(ctx, documents.forConnector(className, connectorOpenApi.namespace(), connectorOpenApi.name(),
                    publicUrl.base(ctx.request())).orElseThrow(() -> GatewayError.notFound(
                            "connectorclass \"" + className + "\" of connector \"" + connectorOpenApi.name()
                                    + "\" has no OpenAPI document")));
        } else {
            ctx.next();
        }
    }

    static void send(RoutingContext ctx, ServedDocument document) {
        // The admission stage paused the request for streaming; a GET's (empty) body is simply let through.
        ctx.request().resume();
        HttpServerResponse response = ctx.response().putHeader(HttpHeaders.ETAG, document.etag());
        if (EntityTags.noneMatchHits(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH), document.etag())) {
            response.setStatusCode(304).end();
            return;
        }
        response.putHeader(HttpHeaders.CONTENT_TYPE, ServedDocument.CONTENT_TYPE).end(Buffer.buffer(document.body()));
    }
}
