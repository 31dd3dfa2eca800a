package io.connectors.api.web;

import io.connectors.api.errors.StatusResponder;
import io.connectors.api.forward.CustomApiPlanner;
import io.connectors.api.forward.Forwarder;
import io.connectors.api.web.GatewayRoute.LegacyResource;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The legacy form {@code .../namespaces/{ns}/connectors/{name}/resources/{resource...}}: always a
 * custom API call to {@code {api url}/{resource}}, authorized like the Connectors API, including
 * the fine-grained permission, so that it is no way around that permission.
 */
@ApplicationScoped
public class LegacyResourceHandler {

    private final ConnectorApiPipeline pipeline;
    private final CustomApiPlanner planner;
    private final Forwarder forwarder;

    LegacyResourceHandler(ConnectorApiPipeline pipeline, CustomApiPlanner planner, Forwarder forwarder) {
        this.pipeline = pipeline;
        this.planner = planner;
        this.forwarder = forwarder;
    }

    void handle(RoutingContext ctx, LegacyResource route) {
        HttpServerRequest request = ctx.request();
        Exchange exchange = Exchange.of(ctx);
        String rawApiPath = "/" + route.rawResourcePath();
        pipeline.authorizeConnector(ctx, route.namespace(), route.name())
                .map(identity -> {
                    PathSafety.check(rawApiPath);
                    ConnectorApiPipeline.refuseUpgrades(request);
                    return pipeline.resolveAndMatch(ctx, identity, route.namespace(), route.name(), request.method(),
                            rawApiPath);
                })
                .compose(routed -> pipeline.authorizeApi(ctx, routed, request.method(), rawApiPath))
                .map(routed -> {
                    exchange.mode("api");
                    return planner.plan(routed.resolved(), rawApiPath, request.query(), exchange.requestId());
                })
                .onSuccess(plan -> forwarder.forward(ctx, plan))
                .onFailure(failure -> StatusResponder.respond(ctx, failure));
    }
}
