package io.connectors.api.errors;

import io.connectors.api.request.Exchange;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/**
 * The one failure handler of the gateway's routes: whatever failed, in whichever stage, the
 * caller gets a Kubernetes Status (or, once the tool's answer has begun, a cut stream). It never
 * throws: a failure here would leave the caller without an answer.
 */
@Singleton
public class FailureHandler implements Handler<RoutingContext> {

    private static final Logger LOG = Logger.getLogger(FailureHandler.class);

    @Override
    public void handle(RoutingContext ctx) {
        try {
            Throwable failure = ctx.failure();
            // Vert.x Web itself fails some requests with a client error (e.g. an unusable Host): its code stands.
            boolean clientErrorOfVertx = !(failure instanceof GatewayError) && ctx.statusCode() >= 400
                    && ctx.statusCode() < 500;
            GatewayError error = failure == null || clientErrorOfVertx ? fromCode(ctx.statusCode())
                    : StatusResponder.asGatewayError(failure);
            StatusResponder.respond(ctx, error);
        } catch (Throwable unexpected) {
            LOG.errorf("failure handler could not answer: %s", unexpected.getClass().getName());
            try {
                Exchange.cut(ctx);
            } catch (Throwable ignored) {
                // Nothing is left to do for this connection.
            }
        }
    }

    /** {@code ctx.fail(code)} without an exception (Vert.x Web's own handlers do that). */
    static GatewayError fromCode(int code) {
        return switch (code) {
            case 400 -> GatewayError.badRequest("bad request");
            case 401 -> GatewayError.unauthorized("Unauthorized");
            case 403 -> GatewayError.forbidden("forbidden");
            case 404 -> GatewayError.notFound("the server could not find the requested resource");
            case 405 -> GatewayError.methodNotAllowed("method not allowed");
            case 413 -> GatewayError.payloadTooLarge("the request body is too large");
            default -> GatewayError.internal("internal error");
        };
    }
}
