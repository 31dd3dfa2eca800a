package io.connectors.api.request;

import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Continues a request after an asynchronous step, on the request's own event loop. Whatever
 * happens in the continuation — a failed step, an exception thrown by the next stage — ends in
 * {@code ctx.fail(...)}, so the failure handler answers it: a callback of a completed future
 * swallows exceptions, and a request would be left without an answer.
 */
public final class Stages {

    private Stages() {
    }

    public static <T> void then(RoutingContext ctx, CompletionStage<T> step, Consumer<T> continuation) {
        then(ctx, Future.fromCompletionStage(step, ctx.vertx().getOrCreateContext()), continuation);
    }

    public static <T> void then(RoutingContext ctx, Future<T> step, Consumer<T> continuation) {
        step.onComplete(result -> {
            if (result.failed()) {
                fail(ctx, result.cause());
                return;
            }
            try {
                continuation.accept(result.result());
            } catch (Throwable failure) {
                fail(ctx, failure);
            }
        });
    }

    /** Fails the request unless its answer is already complete (then there is nobody left to tell). */
    public static void fail(RoutingContext ctx, Throwable failure) {
        if (!ctx.response().ended()) {
            ctx.fail(failure);
        }
    }
}
