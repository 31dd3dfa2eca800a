package io.connectors.api.registry;

import io.connectors.api.errors.GatewayError;
import io.connectors.api.errors.StatusResponder;
import io.connectors.api.request.Exchange;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * The one failure handler of the registry route: every failure answered in the registry's error
 * format, a {@code 401} with the challenge to the gateway's token endpoint. Never throws.
 */
@ApplicationScoped
public class RegistryFailureHandler implements Handler<RoutingContext> {

    private static final Logger LOG = Logger.getLogger(RegistryFailureHandler.class);

    /** The registry's error format; a 401 carries the challenge to the gateway's token endpoint. */
    private static final StatusResponder.ErrorFormat REGISTRY = new StatusResponder.ErrorFormat() {
        @Override
        public void head(RoutingContext ctx, HttpServerResponse response, GatewayError error) {
            if (error.code() == 401) {
                response.putHeader(io.netty.handler.codec.http.HttpHeaderNames.WWW_AUTHENTICATE,
                        RegistryLocations.challenge(ctx.request()));
            }
            response.setStatusCode(error.code())
                    .putHeader(RegistryErrors.API_VERSION_HEADER, RegistryErrors.API_VERSION)
                    .putHeader(HttpHeaders.CONTENT_TYPE, RegistryErrors.CONTENT_TYPE);
        }

        @Override
        public Buffer body(GatewayError error) {
            return RegistryErrors.body(error);
        }
    };

    @Override
    public void handle(RoutingContext ctx) {
        try {
            StatusResponder.respond(ctx, error(ctx), REGISTRY);
        } catch (Throwable unexpected) {
            LOG.errorf("registry failure handler could not answer: %s", unexpected.getClass().getName());
            try {
                Exchange.cut(ctx);
            } catch (Throwable ignored) {
                // Nothing is left to do for this connection.
            }
        }
    }

    private static GatewayError error(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        if (failure == null || (!(failure instanceof GatewayError) && ctx.statusCode() >= 400 && ctx.statusCode() < 500)) {
            int code = ctx.statusCode() < 400 ? 500 : ctx.statusCode();
            return new GatewayError(code, code == 404 ? "NotFound" : "BadRequest",
                    code == 404 ? "the server could not find the requested resource" : "the request failed");
        }
        return StatusResponder.asGatewayError(failure);
    }
}
