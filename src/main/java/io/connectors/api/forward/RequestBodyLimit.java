package io.connectors.api.forward;

import io.connectors.api.errors.GatewayError;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
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

    RequestBodyLimit(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
        Body body = context.request().getBody();
        if (body != null && body.length() < 0) {
            context.request().setBody(Body.body(new Counted(body.stream()), -1));
        }
        return context.sendRequest().recover(failure -> Future.failedFuture(exceeded
                ? GatewayError.payloadTooLarge("the request body is larger than this gateway accepts")
                : failure));
    }

    /** The body as it streams; past the limit it fails instead of passing the chunk on. */
    private final class Counted implements ReadStream<Buffer> {

        private final ReadStream<Buffer> delegate;
        private Handler<Throwable> exceptionHandler;
        private long count;

        Counted(ReadStream<Buffer> delegate) {
            this.delegate = delegate;
        }

        @Override
        public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
            exceptionHandler = handler;
            delegate.exceptionHandler(handler);
            return this;
        }

        @Override
        public ReadStream<Buffer> handler(Handler<Buffer> handler) {
            delegate.handler(handler == null ? null : chunk -> {
                if (exceeded) {
                    return;
                }
                count += chunk.length();
                if (count > maxBytes) {
                    exceeded = true;
                    delegate.pause();
                    if (exceptionHandler != null) {
                        exceptionHandler.handle(GatewayError.payloadTooLarge("the request body is larger than this gateway accepts"));
                    }
                    return;
                }
                handler.handle(chunk);
            });
            return this;
        }

        @Override
        public ReadStream<Buffer> pause() {
            delegate.pause();
            return this;
        }

        @Override
        public ReadStream<Buffer> resume() {
            if (!exceeded) {
                delegate.resume();
            }
            return this;
        }

        @Override
        public ReadStream<Buffer> fetch(long amount) {
            if (!exceeded) {
                delegate.fetch(amount);
            }
            return this;
        }

        @Override
        public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
            delegate.endHandler(endHandler);
            return this;
        }
    }
}
