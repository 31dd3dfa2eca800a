package io.connectors.api.errors;

import io.connectors.api.request.Exchange;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.jboss.logging.Logger;

/**
 * Turns any failure on the request path into a {@code Status} response.
 * Anything that is not a {@link GatewayError} is a bug of ours: it is logged (class name only,
 * the stack at debug level) and answered with a generic 500, never with its message.
 */
public final class StatusResponder {

    private static final Logger LOG = Logger.getLogger(StatusResponder.class);
    /** The challenge of every 401 the gateway answers as a Status: Basic, with the Kubernetes token as password. */
    public static final String BASIC_CHALLENGE = "Basic realm=\"connectors\"";

    private StatusResponder() {
    }

    public static GatewayError asGatewayError(Throwable failure) {
        while (failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null) {
            failure = failure.getCause();
        }
        if (failure instanceof GatewayError gatewayError) {
            return gatewayError;
        }
        LOG.errorf("unexpected failure on the request path: %s", failure.getClass().getName());
        LOG.debug("unexpected failure", failure);
        return GatewayError.internal("internal error");
    }

    public static void respond(RoutingContext ctx, Throwable failure) {
        respond(ctx, asGatewayError(failure), STATUS);
    }

    /** How an error is written: a Kubernetes Status, or the error format of the API a route serves. */
    public interface ErrorFormat {
        /** Sets the status code, content type and any header of the format. */
        void head(RoutingContext ctx, HttpServerResponse response, GatewayError error);

        Buffer body(GatewayError error);
    }

    private static final ErrorFormat STATUS = new ErrorFormat() {
        @Override
        public void head(RoutingContext ctx, HttpServerResponse response, GatewayError error) {
            response.setStatusCode(error.code()).putHeader(HttpHeaders.CONTENT_TYPE, StatusBody.CONTENT_TYPE);
            if (error.code() == 401) {
                // Clients that send credentials only when challenged (git, Maven, pip, Go, Helm) retry with Basic.
                response.putHeader("WWW-Authenticate", BASIC_CHALLENGE);
            } else if (error.code() == 407) {
                // The forward proxy's challenge: clients with credentials in their proxy URL send them then.
                response.putHeader("Proxy-Authenticate", BASIC_CHALLENGE);
            }
        }

        @Override
        public Buffer body(GatewayError error) {
            return StatusBody.of(error);
        }
    };

    /** Answers {@code error} in {@code format}, unless an answer is already under way. */
    public static void respond(RoutingContext ctx, GatewayError error, ErrorFormat format) {
        HttpServerResponse response = ctx.response();
        if (response.ended() || response.closed()) {
            return;
        }
        if (response.headWritten()) {
            // The tool's status line already went out: all we can do is cut the stream.
            Exchange.cut(ctx);
            return;
        }
        // The body of a refused request is never read: drop it rather than leave the connection stuck.
        ctx.request().resume();
        if (error.retryAfterSeconds() > 0) {
            response.putHeader(HttpHeaders.RETRY_AFTER, Integer.toString(error.retryAfterSeconds()));
        }
        format.head(ctx, response, error);
        if (error.closesConnection()) {
            io.vertx.core.http.HttpConnection connection = ctx.request().connection();
            ClosingConnections.add(connection);
            response.putHeader(HttpHeaders.CONNECTION, "close");
            response.end(format.body(error)).onComplete(written -> connection.close());
            return;
        }
        response.end(format.body(error));
    }
}
