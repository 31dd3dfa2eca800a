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

    private final RegistryLocations locations;

    RegistryFailureHandler(RegistryLocations locations) {
        this.locations = locations;
    }

    /** The registry's error format; a 401 carries {@code challenge}, the way to the gateway's token endpoint. */
    private static StatusResponder.ErrorFormat registryFormat(String challenge) {
        return new StatusResponder.ErrorFormat() {
            @Override
            public void head(RoutingContext ctx, HttpServerResponse response, GatewayError error) {
                if (error.code() == 401 && challenge != null) {
                    response.putHeader(io.netty.handler.codec.http.HttpHeaderNames.WWW_AUTHENTICATE, challenge);
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
    }

    @Override
    public void handle(RoutingContext ctx) {
        try {
            GatewayError error = error(ctx);
            String challenge = null;
            if (error.code() == 401) {
                try {
                    challenge = locations.challenge(ctx.request());
                } catch (GatewayError noPublicUrl) {
                    // No valid Host: no token endpoint can be named, and the request is malformed anyway.
                    error = noPublicUrl;
                }
            }
            StatusResponder.respond(ctx, error, registryFormat(challenge));
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
