package io.connectors.api.support;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An in-process tool on 127.0.0.1 (free port) that records what reached it:
 * <ul>
 * <li>{@code /redirect}: 302 to elsewhere; {@code /silent}: never answers;</li>
 * <li>{@code /upload}: streams the body through SHA-256 and answers {@code {bytes, sha256}};</li>
 * <li>{@code /download?bytes=N}: streams N bytes of {@link DataStream}, with back-pressure;</li>
 * <li>{@code /cookie}: answers with Set-Cookie and hop-by-hop headers;</li>
 * <li>a WebSocket upgrade: echoes text messages as {@code echo:<text>}; {@code /ws-refuse}: 403;</li>
 * <li>anything else: 200 with the request echoed as JSON.</li>
 * </ul>
 */
public final class FakeTool {

    /** What the tool saw of one request (headers lower-cased; body only for small echo requests). */
    public record Seen(String method, String uri, Map<String, java.util.List<String>> headers, String body) {

        public String header(String name) {
            java.util.List<String> values = headers.get(name.toLowerCase());
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        public java.util.List<String> headers(String name) {
            return headers.getOrDefault(name.toLowerCase(), java.util.List.of());
        }
    }

    private static FakeTool instance;

    private final Vertx vertx;
    private final HttpServer server;
    private final BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();
    /** Every request ever seen, never cleared: what arrives late is still counted (HostileCorpusTest). */
    private final java.util.List<Seen> history = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger openConnections = new java.util.concurrent.atomic.AtomicInteger();

    private FakeTool() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().connectionHandler(connection -> {
            openConnections.incrementAndGet();
            connection.closeHandler(closed -> openConnections.decrementAndGet());
        }).requestHandler(this::handle).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    public static synchronized FakeTool get() {
        if (instance == null) {
            try {
                instance = new FakeTool();
            } catch (Exception e) {
                throw new IllegalStateException("fake tool did not start", e);
            }
        }
        return instance;
    }

    public String url() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    /** The next request the tool saw, waiting up to 10 s. */
    public Seen next() throws InterruptedException {
        Seen next = seen.poll(10, TimeUnit.SECONDS);
        if (next == null) {
            throw new AssertionError("the tool saw no request");
        }
        return next;
    }

    public void clear() {
        seen.clear();
    }

    /** Every request the tool has seen since it started, in arrival order ({@link #clear} does not touch it). */
    public java.util.List<Seen> history() {
        return java.util.List.copyOf(history);
    }

    public int pending() {
        return seen.size();
    }

    /** TCP connections to the tool that are open right now (the gateway's pooled and in-flight ones). */
    public int openConnections() {
        return openConnections.get();
    }

    private void handle(HttpServerRequest request) {
        String path = request.path();
        if (path.endsWith("/ws-refuse")) {
            record(request, "");
            request.response().setStatusCode(403).end("no websockets here");
            return;
        }
        if ("websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
            record(request, "");
            request.toWebSocket().onSuccess(ws -> ws.textMessageHandler(text -> ws.writeTextMessage("echo:" + text)));
            return;
        }
        if (path.endsWith("/upload")) {
            upload(request);
            return;
        }
        request.body().onSuccess(body -> {
            record(request, body.length() <= 1 << 20 ? body.toString() : "");
            HttpServerResponse response = request.response();
            if (path.endsWith("/redirect")) {
                response.setStatusCode(302).putHeader("Location", "http://127.0.0.1:1/elsewhere").end();
            } else if (path.endsWith("/silent")) {
                // never answer
            } else if (path.endsWith("/download")) {
                download(request, Long.parseLong(request.getParam("bytes")));
            } else if (path.endsWith("/cookie")) {
                response.putHeader("Set-Cookie", "session=tool-secret").putHeader("Connection", "X-Internal")
                        .putHeader("X-Internal", "hop").putHeader("Keep-Alive", "timeout=5")
                        .putHeader("X-Tool", "kept").end("ok");
            } else if (path.endsWith("/unauthorized")) {
                response.setStatusCode(401).putHeader("WWW-Authenticate", "Basic realm=tool").end("tool says no");
            } else {
                JsonObject headers = new JsonObject();
                request.headers().forEach(entry -> headers.put(entry.getKey().toLowerCase(),
                        headers.getJsonArray(entry.getKey().toLowerCase(), new JsonArray()).add(entry.getValue())));
                response.putHeader("Content-Type", "application/json").end(new JsonObject()
                        .put("method", request.method().name()).put("uri", request.uri()).put("headers", headers)
                        .put("body", body.toString()).encode());
            }
        });
    }

    private void record(HttpServerRequest request, String body) {
        Map<String, java.util.List<String>> headers = new java.util.TreeMap<>();
        request.headers().forEach(entry -> headers.computeIfAbsent(entry.getKey().toLowerCase(),
                k -> new java.util.ArrayList<>()).add(entry.getValue()));
        Seen one = new Seen(request.method().name(), request.uri(), headers, body);
        history.add(one);
        seen.add(one);
    }

    private void upload(HttpServerRequest request) {
        MessageDigest digest = sha256();
        long[] bytes = {0};
        request.handler(chunk -> {
            digest.update(chunk.getBytes());
            bytes[0] += chunk.length();
        });
        request.endHandler(done -> {
            record(request, "");
            request.response().putHeader("Content-Type", "application/json").end(new JsonObject()
                    .put("bytes", bytes[0]).put("sha256", HexFormat.of().formatHex(digest.digest())).encode());
        });
    }

    /** Streams {@code total} bytes of {@link DataStream} as the answer, with back-pressure. */
    public static void download(HttpServerRequest request, long total) {
        HttpServerResponse response = request.response();
        response.putHeader("Content-Length", Long.toString(total)).putHeader("Content-Type", "application/octet-stream");
        DataStream data = new DataStream(total);
        writeSome(response, data);
    }

    private static void writeSome(HttpServerResponse response, DataStream data) {
        byte[] chunk = new byte[64 * 1024];
        while (!response.writeQueueFull()) {
            int n = data.read(chunk, 0, chunk.length);
            if (n < 0) {
                response.end();
                return;
            }
            response.write(Buffer.buffer(n == chunk.length ? chunk.clone() : java.util.Arrays.copyOf(chunk, n)));
        }
        response.drainHandler(v -> writeSome(response, data));
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
