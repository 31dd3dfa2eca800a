package io.connectors.api.support;

import io.vertx.core.Vertx;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs test steps on a Vert.x event-loop context, where the gateway's forwarding stage runs:
 * code that keeps per-context state or hands work back to the caller's loop behaves there as in
 * the gateway. Each step waits for the one before it.
 */
public final class OnEventLoop implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();

    public Vertx vertx() {
        return vertx;
    }

    public <T> T call(Supplier<T> step) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        vertx.runOnContext(v -> {
            try {
                result.complete(step.get());
            } catch (Throwable failure) {
                result.completeExceptionally(failure);
            }
        });
        return result.get(10, TimeUnit.SECONDS);
    }

    public void run(Runnable step) throws Exception {
        call(() -> {
            step.run();
            return null;
        });
    }

    @Override
    public void close() {
        vertx.close();
    }
}
