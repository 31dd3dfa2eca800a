package io.connectors.api.e2e.registry;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.httpproxy.HttpProxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A reverse proxy in front of the registry that remembers what the registry was sent (method,
 * URI, Authorization), so a test can tell which credentials reached it. On 127.0.0.1.
 */
public final class RecordingProxy implements AutoCloseable {

    public record Seen(String method, String uri, String authorization) {
    }

    private final Vertx vertx;
    private final HttpServer server;
    private final List<Seen> seen;

    private RecordingProxy(Vertx vertx, HttpServer server, List<Seen> seen) {
        this.vertx = vertx;
        this.server = server;
        this.seen = seen;
    }

    public static RecordingProxy start(int registryPort) throws Exception {
        Vertx vertx = Vertx.vertx();
        List<Seen> seen = new CopyOnWriteArrayList<>();
        HttpProxy proxy = HttpProxy.reverseProxy(vertx.createHttpClient()).origin(registryPort, "127.0.0.1");
        HttpServer server = vertx.createHttpServer().requestHandler(request -> {
            String authorization = request.getHeader("Authorization");
            seen.add(new Seen(request.method().name(), request.uri(), authorization == null ? "" : authorization));
            proxy.handle(request);
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        return new RecordingProxy(vertx, server, seen);
    }

    public String url() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    public List<Seen> seen() {
        return List.copyOf(seen);
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
