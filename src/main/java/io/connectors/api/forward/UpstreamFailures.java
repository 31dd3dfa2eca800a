package io.connectors.api.forward;

import io.connectors.api.errors.GatewayError;
import io.netty.channel.ConnectTimeoutException;
import java.util.concurrent.TimeoutException;

/** Maps why a call to an upstream failed to the Status the caller gets: 504 when it timed out, else 502. */
final class UpstreamFailures {

    private UpstreamFailures() {
    }

    static GatewayError toGatewayError(Throwable failure, ForwardPlan plan) {
        String where = plan.upstream() + " at " + plan.target().origin();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof GatewayError gatewayError) {
                return gatewayError;
            }
            if (cause instanceof TimeoutException || cause instanceof ConnectTimeoutException
                    || cause instanceof io.netty.handler.timeout.TimeoutException
                    || cause.getClass().getSimpleName().contains("TimeoutException")) {
                return GatewayError.timeout(where + " did not answer in time");
            }
        }
        return GatewayError.badGateway(where + " could not be reached");
    }
}
