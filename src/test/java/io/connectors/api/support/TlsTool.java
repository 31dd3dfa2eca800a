package io.connectors.api.support;

import io.connectors.api.forwardproxy.CertificateIssuer;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An HTTPS tool on 127.0.0.1 (free port) with a certificate of its own test CA, that records the
 * method, URI and headers of what reaches it and answers them as JSON; {@code /download?bytes=N}
 * streams N bytes of {@link DataStream} instead, with back-pressure (not recorded).
 */
public final class TlsTool implements AutoCloseable {

    public record Seen(String method, String uri, Map<String, List<String>> headers) {

        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase());
            return values == null || values.isEmpty() ? null : values.get(0);
        }
    }

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final TestCa ca;
    private final BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();

    public TlsTool() throws Exception {
        ca = TestCa.create("EC");
        CertificateIssuer.Issued issued = ca.issuer().issue("127.0.0.1");
        String keyPem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(issued.key().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        String certPem = TestCa.pem(issued.chain().get(0));
        server = vertx.createHttpServer(new HttpServerOptions().setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
                .setKeyValue(Buffer.buffer(keyPem)).setCertValue(Buffer.buffer(certPem))))
                .requestHandler(request -> {
                    if (request.path().endsWith("/download")) {
                        // Started on the next turn of the loop, not inside the read of the request: there
                        // Vert.x holds flushes back, and writes into TLS would never fill the queue.
                        long bytes = Long.parseLong(request.getParam("bytes"));
                        io.vertx.core.Vertx.currentContext().runOnContext(v -> FakeTool.download(request, bytes));
                        return;
                    }
                    Map<String, List<String>> headers = new java.util.TreeMap<>();
                    request.headers().forEach(entry -> headers.computeIfAbsent(entry.getKey().toLowerCase(),
                            key -> new java.util.ArrayList<>()).add(entry.getValue()));
                    seen.add(new Seen(request.method().name(), request.uri(), headers));
                    request.response().putHeader("content-type", "application/json")
                            .end(new JsonObject().put("method", request.method().name()).put("uri", request.uri()).encode());
                })
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    public String url() {
        return "https://127.0.0.1:" + server.actualPort();
    }

    public int port() {
        return server.actualPort();
    }

    /** The PEM of the CA the tool's certificate is signed by (what a Connector's CA Secret holds). */
    public String caPem() {
        return ca.certificatePem();
    }

    public Seen next() throws InterruptedException {
        Seen next = seen.poll(10, TimeUnit.SECONDS);
        if (next == null) {
            throw new AssertionError("the TLS tool saw no request");
        }
        return next;
    }

    public int pending() {
        return seen.size();
    }

    @Override
    public void close() {
        vertx.close();
    }
}
