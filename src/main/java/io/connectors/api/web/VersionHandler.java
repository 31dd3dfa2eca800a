package io.connectors.api.web;

import io.connectors.api.errors.GatewayError;
import io.connectors.api.kube.ClusterVersion;
import io.connectors.api.request.Exchange;
import io.connectors.api.request.GatewayRoute;
import io.connectors.api.request.Stages;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** {@code GET /connectors/version}: this server's version and the cluster's, for authenticated callers. */
@Singleton
public class VersionHandler implements Handler<RoutingContext> {

    private final ClusterVersion clusterVersion;
    private final String version;

    VersionHandler(ClusterVersion clusterVersion,
            @ConfigProperty(name = "quarkus.application.version", defaultValue = "unknown") String version) {
        this.clusterVersion = clusterVersion;
        this.version = version;
    }

    @Override
    public void handle(RoutingContext ctx) {
        if (!(Exchange.of(ctx).route() instanceof GatewayRoute.Version)) {
            ctx.next();
            return;
        }
        Future<String> kubernetesVersion = Future.fromCompletionStage(clusterVersion.gitVersion(),
                ctx.vertx().getOrCreateContext()).recover(failure -> Future.failedFuture(
                        GatewayError.unavailable("the cluster's version could not be read")));
        Stages.then(ctx, kubernetesVersion, gitVersion -> {
            ctx.request().resume();
            ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end(new JsonObject().put("version", version).put("kubernetesVersion", gitVersion).toBuffer());
        });
    }
}
