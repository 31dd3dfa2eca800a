package io.connectors.api.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.PfxOptions;
import io.vertx.core.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What pinning a request to a checked address ({@link Destination#apply}) does to Vert.x's
 * HTTP client, with client options like {@link UpstreamClients}'s: the connection goes to the
 * pinned address while the Host header, SNI and certificate verification stay on the host name,
 * and pinned connections are pooled. Everything on 127.0.0.1; the name used is {@code localhost}.
 */
class PinnedConnectionTest {

    private record Seen(String sni, String host, int remotePort) {
    }

    @TempDir
    Path dir;

    private Vertx vertx;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    /** A PKCS#12 key store with a self-signed certificate for {@code dnsName}, and its certificate as PEM. */
    private Path[] certificate(String dnsName) throws Exception {
        Path store = dir.resolve(dnsName + ".p12");
        Path pem = dir.resolve(dnsName + ".pem");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(keytool, "-genkeypair", "-alias", "tool", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=" + dnsName, "-ext", "san=dns:" + dnsName, "-validity", "2", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", "changeit");
        run(keytool, "-exportcert", "-rfc", "-alias", "tool", "-keystore", store.toString(), "-storepass", "changeit",
                "-file", pem.toString());
        return new Path[] {store, pem};
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as(output).isZero();
    }

    private int tlsServer(Path keyStore) throws Exception {
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setSsl(true).setSni(true)
                .setKeyCertOptions(new PfxOptions().setPath(keyStore.toString()).setPassword("changeit")))
                .requestHandler(request -> {
                    seen.add(new Seen(request.connection().indicatedServerName(), request.getHeader("Host"),
                            request.remoteAddress().port()));
                    request.response().end("ok");
                });
        return await(server.listen(0, "127.0.0.1")).actualPort();
    }

    private HttpClient client(Path trustedPem) {
        return vertx.createHttpClient(new HttpClientOptions().setForceSni(true).setVerifyHost(true).setKeepAlive(true)
                .setTrustOptions(new PemTrustOptions().addCertPath(trustedPem.toString())));
    }

    private static Future<String> get(HttpClient client, int port) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost("localhost").setPort(port)
                .setSsl(true).setURI("/x");
        Destination.pinned(SocketAddress.inetSocketAddress(port, "127.0.0.1")).apply(options);
        return client.request(options).compose(request -> request.send().compose(response -> response.body()))
                .map(Buffer::toString);
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    @Test
    void hostHeaderSniAndVerificationStayOnTheNameAndConnectionsArePooled() throws Exception {
        Path[] localhost = certificate("localhost");
        int port = tlsServer(localhost[0]);
        HttpClient client = client(localhost[1]);

        // The certificate names only "localhost", no IP: verifying against the pinned address would fail.
        for (int i = 0; i < 5; i++) {
            assertThat(await(get(client, port))).isEqualTo("ok");
        }

        assertThat(seen).hasSize(5);
        assertThat(seen.get(0).sni()).isEqualTo("localhost");
        assertThat(seen.get(0).host()).isEqualTo("localhost:" + port);
        // A connection may be handed back to the pool a moment after its response completes, so one
        // request may open a new one; five sequential requests on five connections would mean no pooling.
        assertThat(seen.stream().map(s -> s.remotePort()).distinct().count())
                .as("sequential requests reuse pooled connections").isLessThan(5);
    }

    @Test
    void aCertificateForAnotherNameIsStillRefused() throws Exception {
        Path[] other = certificate("other.test");
        int port = tlsServer(other[0]);
        HttpClient client = client(other[1]);

        assertThat(get(client, port).toCompletionStage().toCompletableFuture())
                .failsWithin(60, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
                .satisfies(e -> assertThat(causes(e)).anyMatch(SSLHandshakeException.class::isInstance));
        assertThat(seen).isEmpty();
    }

    private static List<Throwable> causes(Throwable e) {
        List<Throwable> all = new java.util.ArrayList<>();
        for (Throwable t = e; t != null && !all.contains(t); t = t.getCause()) {
            all.add(t);
        }
        return all;
    }
}
