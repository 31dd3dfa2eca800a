package io.connectors.api.web;

import io.connectors.api.errors.GatewayError;
import io.connectors.api.errors.StatusResponder;
import io.connectors.api.kube.ClusterVersion;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** {@code GET /connectors/version}: this server's version and the cluster's, for authenticated callers. */
@ApplicationScoped
public class VersionHandler {

    private final ConnectorApiPipeline pipeline;
    private final ClusterVersion clusterVersion;
    private final String version;

    VersionHandler(ConnectorApiPipeline pipeline, ClusterVersion clusterVersion,
            @ConfigProperty(name = "quarkus.application.version", defaultValue = "unknown") String version) {
        this.pipeline = pipeline;
        this.clusterVersion = clusterVersion;
        this.version = version;
    }

    void handle(RoutingContext ctx) {
        pipeline.authenticate(ctx)
                .compose(identity -> ConnectorApiPipeline.onContext(ctx, clusterVersion.gitVersion())
                        .recover(failure -> io.vertx.core.Future.failedFuture(
                                GatewayError.unavailable("the cluster's version could not be read"))))
                .onSuccess(kubernetesVersion -> ctx.response()
                        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                        .end(new JsonObject().put("version", version).put("kubernetesVersion", kubernetesVersion)
                                .toBuffer()))
                .onFailure(failure -> StatusResponder.respond(ctx, failure));
    }
}
