package io.connectors.api.forward;

import io.connectors.api.errors.GatewayError;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.streams.ReadStream;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * One call to an upstream, as long as it lasts: it frees the upstream connection when the caller
 * goes away (also while the call still waits for a pooled connection), and it ends the call when
 * no byte has moved in either direction for the idle timeout — an upload longer than the timeout
 * is not idle, a tool that says nothing is. Lives on the request's event loop.
 */
final class UpstreamCall {

    private final Vertx vertx;
    private final long idleNanos;
    private final String upstream;
    private HttpClientRequest request;
    private WaitingLines.Place place;
    private long lastActivity;
    private long timer = -1;
    private boolean finished;
    private boolean continued;

    UpstreamCall(Vertx vertx, Duration idleTimeout, String upstream) {
        this.vertx = vertx;
        this.idleNanos = idleTimeout.toNanos();
        this.upstream = upstream;
    }

    /**
     * The upstream request once it is this call's turn at the upstream and a connection is there.
     * A full waiting line, or a wait longer than the pool wait, is the gateway's limit: 503.
     * {@code connector} ({@code namespace/name}) is whose share of the upstream's places the call takes.
     */
    Future<HttpClientRequest> obtain(WaitingLines lines, String origin, String connector,
            Supplier<Future<HttpClientRequest>> pending) {
        if (finished) {
            // The exchange ended before the proxy asked for its origin (the caller left meanwhile):
            // taking a place now would keep it for good, as nothing would give it back.
            return Future.failedFuture(wentAway());
        }
        // A request sent twice (a registry's challenge answered) keeps the place it has.
        if (place == null) {
            place = lines.enter(origin, connector, upstream);
        }
        return place.turn().compose(turn -> {
            if (finished) {
                return Future.failedFuture(wentAway());
            }
            return pending.get().recover(failure -> Future.failedFuture(poolFailure(failure)));
        }).map(obtained -> {
            if (finished) {
                obtained.reset();
                throw wentAway();
            }
            request = obtained;
            touch();
            if (timer >= 0) {
                vertx.cancelTimer(timer);
            }
            timer = vertx.setTimer(Math.max(1, idleNanos / 1_000_000), id -> checkIdle());
            return obtained;
        });
    }

    private GatewayError wentAway() {
        return GatewayError.badGateway("the caller went away before " + upstream + " was called");
    }

    /**
     * WaitingLines lets no more calls through than one event loop's pool holds, so a client's own
     * limits are only a backstop; reached all the same, they are the same 503.
     */
    private Throwable poolFailure(Throwable failure) {
        if (failure instanceof ConnectionPoolTooBusyException) {
            return GatewayError.unavailable("too many requests are waiting for " + upstream + "; try again later");
        }
        return failure;
    }

    /**
     * Tells a caller that sent {@code Expect: 100-continue} to send its body now, once the tool is
     * being called: after the checks, so a refused caller gets its final answer without sending the
     * body, and never twice (a registry's challenge answered calls the tool again). Without it a
     * client such as curl waits a second for the 100 before every upload.
     */
    void continueIfExpected(HttpServerRequest inbound) {
        if (continued || inbound.version() != HttpVersion.HTTP_1_1) {
            return;
        }
        String expect = inbound.getHeader(HttpHeaders.EXPECT);
        if (expect != null && expect.trim().equalsIgnoreCase("100-continue")) {
            continued = true;
            inbound.response().writeContinue();
        }
    }

    /** A stream that counts as activity whenever a chunk passes. */
    ReadStream<Buffer> watch(ReadStream<Buffer> stream) {
        return new ObservedStream(stream, chunk -> {
            touch();
            return null;
        });
    }

    void touch() {
        lastActivity = System.nanoTime();
    }

    /** Called once the caller's exchange is over: {@code completed} false when the caller left first. */
    void finished(boolean completed) {
        finished = true;
        if (place != null) {
            // Answered, failed or abandoned: the place goes to the next caller now.
            place.leave();
        }
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
        if (!completed && request != null) {
            // Closes the HTTP/1.1 connection of an unfinished call: it goes back to no one.
            request.reset(0L, new CallerGone());
        }
    }

    private void checkIdle() {
        timer = -1;
        if (finished) {
            return;
        }
        long quiet = System.nanoTime() - lastActivity;
        if (quiet >= idleNanos) {
            request.reset(0L, new TimeoutException(upstream + " was idle for " + idleNanos / 1_000_000 + " ms"));
            return;
        }
        timer = vertx.setTimer(Math.max(1, (idleNanos - quiet) / 1_000_000), id -> checkIdle());
    }

    /** Why an upstream call was cut: the caller had gone. */
    static final class CallerGone extends RuntimeException {
        CallerGone() {
            super("the caller went away", null, false, false);
        }
    }
}
