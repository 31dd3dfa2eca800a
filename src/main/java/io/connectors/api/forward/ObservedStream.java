package io.connectors.api.forward;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.util.function.Function;

/**
 * A body passed through as it streams, each chunk shown to a check first: the check returns
 * {@code null} to pass the chunk on, or the failure that ends the stream instead (the chunk is not
 * passed, the source is paused for good, and the failure goes to the exception handler, so the
 * pipe to the tool fails). One wrapper for every look at a body on its way: activity for the idle
 * timeout ({@link UpstreamCall}), the byte limit of chunked bodies ({@link RequestBodyLimit}).
 */
final class ObservedStream implements ReadStream<Buffer> {

    private final ReadStream<Buffer> delegate;
    private final Function<Buffer, Throwable> check;
    private Handler<Throwable> exceptionHandler;
    private boolean stopped;

    ObservedStream(ReadStream<Buffer> delegate, Function<Buffer, Throwable> check) {
        this.delegate = delegate;
        this.check = check;
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
            if (stopped) {
                return;
            }
            Throwable failure = check.apply(chunk);
            if (failure == null) {
                handler.handle(chunk);
                return;
            }
            stopped = true;
            delegate.pause();
            if (exceptionHandler != null) {
                exceptionHandler.handle(failure);
            }
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
        if (!stopped) {
            delegate.resume();
        }
        return this;
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
        if (!stopped) {
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
