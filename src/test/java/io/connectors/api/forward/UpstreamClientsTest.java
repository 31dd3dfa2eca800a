package io.connectors.api.forward;

import static org.assertj.core.api.Assertions.assertThat;

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
}
