package io.connectors.api.forward;

import io.connectors.api.errors.GatewayError;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyResponse;

/**
 * {@code connectors.proxy.max-request-bytes} for a body whose length is not announced (chunked, or
 * HTTP/2 without Content-Length; an announced one is refused at admission): its bytes are counted
 * as they stream to the tool, and the chunk that would pass the limit is never sent. The piping
 * then fails, vertx-http-proxy resets the upstream request (the tool never sees a complete body),
 * and the caller gets a 413 Status if no answer has started, else its answer is cut.
 */
final class RequestBodyLimit implements ProxyInterceptor {

    private final long maxBytes;
    private boolean exceeded;
    private long count;

    RequestBodyLimit(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
        Body body = context.request().getBody();
        if (body != null && body.length() < 0) {
            context.request().setBody(Body.body(new ObservedStream(body.stream(), this::count), -1));
        }
        return context.sendRequest().recover(failure -> Future.failedFuture(exceeded
                ? GatewayError.payloadTooLarge("the request body is larger than this gateway accepts")
                : failure));
    }

    /** Past the limit, the failure that stops the body instead of passing the chunk on. */
    private Throwable count(Buffer chunk) {
        count += chunk.length();
        if (count <= maxBytes) {
            return null;
        }
        exceeded = true;
        return GatewayError.payloadTooLarge("the request body is larger than this gateway accepts");
    }
}
