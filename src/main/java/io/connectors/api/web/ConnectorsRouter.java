package io.connectors.api.web;

import io.connectors.api.errors.GatewayError;
import io.connectors.api.errors.StatusResponder;
import io.connectors.api.forward.HeaderHygiene;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Mounts the gateway on Quarkus's router, ahead of everything else and without a BodyHandler, so
 * bodies stream. It matches on the raw request path itself: the router's normalized path would
 * already have resolved dot segments that the gateway must refuse.
 */
@ApplicationScoped
public class ConnectorsRouter {

    /** Before Quarkus's own routes, which would otherwise see /connectors paths first. */
    private static final int ORDER = -10_000;

    private final ConnectorApiPipeline pipeline;
    private final VersionHandler version;
    private final AccessLog accessLog;
    private final LegacyResourceHandler legacyResources;
    private final OpenApiHandler openApi;

    ConnectorsRouter(ConnectorApiPipeline pipeline, VersionHandler version, AccessLog accessLog,
            LegacyResourceHandler legacyResources, OpenApiHandler openApi) {
        this.pipeline = pipeline;
        this.version = version;
        this.accessLog = accessLog;
        this.legacyResources = legacyResources;
        this.openApi = openApi;
    }

    void mount(@Observes Router router) {
        router.route().order(ORDER).handler(this::dispatch);
    }

    void dispatch(RoutingContext ctx) {
        String rawPath = ctx.request().path();
        if (rawPath == null || !(rawPath.startsWith(RequestPaths.ROOT) || rawPath.equals("/connectors"))) {
            ctx.next();
            return;
        }
        // Nothing may read the body before the pipeline knows where it goes.
        ctx.request().pause();
        String requestId = RequestIds.accept(ctx.request().getHeader(HeaderHygiene.REQUEST_ID));
        Exchange exchange = Exchange.start(ctx, requestId);
        ctx.response().putHeader(HeaderHygiene.REQUEST_ID, requestId);
        ctx.addEndHandler(done -> accessLog.record(ctx, exchange));
        try {
            GatewayRoute route = RequestPaths.parse(rawPath);
            if (route instanceof GatewayRoute.ConnectorApi api) {
                pipeline.handle(ctx, api);
            } else if (route instanceof GatewayRoute.Version) {
                readOnly(ctx, () -> version.handle(ctx));
            } else if (route instanceof GatewayRoute.LegacyResource legacy) {
                readOnly(ctx, () -> legacyResources.handle(ctx, legacy));
            } else if (route instanceof GatewayRoute.ConnectorOpenApi connectorOpenApi) {
                readOnly(ctx, () -> openApi.handleConnector(ctx, connectorOpenApi));
            } else if (route instanceof GatewayRoute.ClassOpenApi classOpenApi) {
                readOnly(ctx, () -> openApi.handleClass(ctx, classOpenApi));
            } else {
                throw GatewayError.notFound("the server could not find the requested resource");
            }
        } catch (RuntimeException failure) {
            StatusResponder.respond(ctx, failure);
        }
    }

    private static void readOnly(RoutingContext ctx, Runnable handler) {
        HttpMethod method = ctx.request().method();
        if (method != HttpMethod.GET && method != HttpMethod.HEAD) {
            throw GatewayError.methodNotAllowed("only GET is supported here");
        }
        handler.run();
    }
}
