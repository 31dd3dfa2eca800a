package io.connectors.api.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.connectors.api.config.ConnectorsConfig;
import io.connectors.api.support.FakeTool;
import io.connectors.api.support.GatewayTest;
import io.connectors.api.support.MockCluster;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.impl.VertxInternal;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Each event loop gets its own client towards a tool, so that a request and its upstream
 * connection live on one thread: a connection borrowed from another loop would have every body
 * chunk handed between two threads (an upload then cost about 40 % more CPU, docs/BENCHMARKS.md).
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = MockCluster.class)
class UpstreamClientsTest extends GatewayTest {

    @Inject
    UpstreamClients clients;

    @Inject
    Vertx vertx;

    @Inject
    ConnectorsConfig config;

    private static final UpstreamTarget TOOL = UpstreamTarget.parse("http://127.0.0.1:9", "the tool");

    private HttpClient clientOn(Context context) throws Exception {
        CompletableFuture<HttpClient> client = new CompletableFuture<>();
        context.runOnContext(v -> client.complete(clients.client(TOOL, Optional.empty())));
        return client.get(10, TimeUnit.SECONDS);
    }

    @Test
    void oneClientPerEventLoop() throws Exception {
        // New contexts are spread over the event loops in turn: two on two different loops.
        VertxInternal internal = (VertxInternal) vertx;
        List<ContextInternal> contexts = new ArrayList<>(List.of(internal.createEventLoopContext()));
        for (int i = 0; i < 16 && contexts.size() < 2; i++) {
            ContextInternal next = internal.createEventLoopContext();
            if (next.nettyEventLoop() != contexts.get(0).nettyEventLoop()) {
                contexts.add(next);
            }
        }
        assertThat(contexts).as("contexts on two event loops").hasSize(2);
        HttpClient first = clientOn(contexts.get(0));
        HttpClient second = clientOn(contexts.get(1));
        assertThat(first).isNotSameAs(second);
        // The same loop, through another context on it (as each request has its own), gets the same client.
        assertThat(clientOn(contexts.get(0).duplicate())).isSameAs(first);
        assertThat(clientOn(contexts.get(1))).isSameAs(second);
    }

    /**
     * A client leaves the cache (here: one client at most, and other targets asked for) while a
     * download streams through it: the download goes on to its last byte, as a 30-minute watch or a
     * large download must when many CA bundles make clients come and go. The client is retired, not
     * closed: new calls get a new one, and it is closed once its last connection is.
     */
    @Test
    void aStreamSurvivesItsClientLeavingTheCache() throws Exception {
        UpstreamClients small = new UpstreamClients(vertx, config, 1);
        ContextInternal context = ((VertxInternal) vertx).createEventLoopContext();
        UpstreamTarget tool = UpstreamTarget.parse(FakeTool.get().url(), "the tool");
        // Never called: asked for, its client takes the one place in the cache.
        UpstreamTarget other = UpstreamTarget.parse("https://127.0.0.1:9", "another tool");
        long size = 16L * 1024 * 1024;
        java.util.concurrent.atomic.AtomicLong received = new java.util.concurrent.atomic.AtomicLong();
        CompletableFuture<Long> done = new CompletableFuture<>();
        CompletableFuture<io.vertx.core.http.HttpClientResponse> streaming = new CompletableFuture<>();
        CompletableFuture<HttpClient> used = new CompletableFuture<>();
        context.runOnContext(v -> {
            HttpClient client = small.client(tool, Optional.empty());
            used.complete(client);
            client.request(io.vertx.core.http.HttpMethod.GET, tool.port(), tool.host(), "/download?bytes=" + size)
                    .compose(io.vertx.core.http.HttpClientRequest::send)
                    .onFailure(done::completeExceptionally)
                    .onSuccess(response -> {
                        // Paused after the first chunks, until the client has left the cache.
                        response.pause();
                        response.handler(chunk -> received.addAndGet(chunk.length()));
                        response.exceptionHandler(done::completeExceptionally);
                        response.endHandler(end -> done.complete(received.get()));
                        response.fetch(2);
                        streaming.complete(response);
                    });
        });
        io.vertx.core.http.HttpClientResponse response = streaming.get(10, TimeUnit.SECONDS);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> received.get() > 0);
        // Other targets, asked for often enough to win the cache's one place over the tool's client.
        CompletableFuture<HttpClient> replaced = new CompletableFuture<>();
        context.runOnContext(v -> {
            for (int i = 0; i < 10; i++) {
                small.client(other, Optional.empty());
            }
            replaced.complete(small.client(tool, Optional.empty()));
        });
        assertThat(replaced.get(10, TimeUnit.SECONDS)).as("the tool's client left the cache").isNotSameAs(used.get());
        context.runOnContext(v -> response.resume());
        assertThat(done.get(30, TimeUnit.SECONDS)).isEqualTo(size);
        small.close();
    }

    /**
     * With no room in the cache every client is retired as soon as it is made: one leased for a call
     * still serves it (the call waits for its turn before it connects, so its client has no
     * connection yet), and one that nothing uses any more is closed, not leaked.
     */
    @Test
    void aRetiredClientServesItsLeaseAndIsClosedOnceNothingUsesIt() throws Exception {
        UpstreamClients none = new UpstreamClients(vertx, config, 0);
        ContextInternal context = ((VertxInternal) vertx).createEventLoopContext();
        UpstreamTarget tool = UpstreamTarget.parse(FakeTool.get().url(), "the tool");
        CompletableFuture<Integer> status = new CompletableFuture<>();
        CompletableFuture<Throwable> afterRelease = new CompletableFuture<>();
        context.runOnContext(v -> {
            UpstreamClients.Lease lease = none.lease(tool, Optional.empty());
            lease.client().request(io.vertx.core.http.HttpMethod.GET, tool.port(), tool.host(), "/leased")
                    .compose(request -> request.send().compose(response -> response.body().map(response.statusCode())))
                    .onComplete(answer -> status.complete(answer.succeeded() ? answer.result() : -1));
            UpstreamClients.Lease unused = none.lease(tool, Optional.empty());
            unused.release();
            unused.release(); // twice is harmless
            try {
                unused.client().request(io.vertx.core.http.HttpMethod.GET, tool.port(), tool.host(), "/closed")
                        .onComplete(answer -> afterRelease.complete(answer.cause()));
            } catch (IllegalStateException closed) {
                // Vert.x says so at once: "Client is closed".
                afterRelease.complete(closed);
            }
        });
        assertThat(status.get(10, TimeUnit.SECONDS)).isEqualTo(200);
        assertThat(afterRelease.get(10, TimeUnit.SECONDS)).as("the released client is closed").isNotNull();
        none.close();
    }
}
