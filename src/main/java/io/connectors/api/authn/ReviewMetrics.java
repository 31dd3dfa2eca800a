package io.connectors.api.authn;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Counts and times the review calls one cache makes, and its hits, so the hit ratio can be read. */
public final class ReviewMetrics {

    private final Counter hits;
    private final Counter lookups;
    private final Timer calls;
    private final Counter failures;
    private final MeterRegistry registry;

    public ReviewMetrics(MeterRegistry registry, String kind) {
        this.registry = registry;
        this.hits = registry.counter("connectors.review.cache.hits", "kind", kind);
        this.lookups = registry.counter("connectors.review.cache.lookups", "kind", kind);
        this.calls = Timer.builder("connectors.review.calls").tag("kind", kind).register(registry);
        this.failures = registry.counter("connectors.review.failures", "kind", kind);
    }

    public void lookup(boolean hit) {
        lookups.increment();
        if (hit) {
            hits.increment();
        }
    }

    public <T> CompletableFuture<T> time(CompletableFuture<T> call) {
        long start = registry.config().clock().monotonicTime();
        return call.whenComplete((value, failure) -> {
            calls.record(registry.config().clock().monotonicTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
            if (failure != null) {
                failures.increment();
            }
        });
    }

    /** A failure, described without its message (which may quote a response carrying a token). */
    public static String describe(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return cause.getClass().getSimpleName() + (cause instanceof io.connectors.api.kube.ReviewApi.ApiCallFailed
                ? " (" + cause.getMessage() + ")" : "");
    }
}
