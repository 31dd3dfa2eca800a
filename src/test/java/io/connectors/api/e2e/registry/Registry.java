package io.connectors.api.e2e.registry;

import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * Debian's docker-registry (CNCF distribution 2.8) on 127.0.0.1 with token authentication
 * ({@code auth: token}) against a {@link TokenService}, and images pushed to it by the test
 * itself through the registry's HTTP API (a config blob, one layer, a schema-2 manifest).
 */
public final class Registry implements AutoCloseable {

    public static final String BINARY = "/usr/bin/docker-registry";
    public static final String SERVICE = "registry-it";
    public static final String MANIFEST_TYPE = "application/vnd.docker.distribution.manifest.v2+json";

    private final Process process;
    private final Path log;
    private final int port;
    private final TokenService tokens;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    private Registry(Process process, Path log, int port, TokenService tokens) {
        this.process = process;
        this.log = log;
        this.port = port;
        this.tokens = tokens;
    }

    public static boolean installed() {
        return Files.isExecutable(Path.of(BINARY));
    }

    public static Registry start(Path dir, TokenService tokens) throws IOException {
        int port = freePort();
        Files.createDirectories(dir.resolve("storage"));
        Path config = dir.resolve("config.yml");
        Files.writeString(config, """
                version: 0.1
                log:
                  level: info
                storage:
                  filesystem:
                    rootdirectory: %s
                  delete:
                    enabled: true
                http:
                  addr: 127.0.0.1:%d
                  secret: registry-it-http-secret
                auth:
                  token:
                    realm: %s
                    service: %s
                    issuer: %s
                    rootcertbundle: %s
                """.formatted(dir.resolve("storage"), port, tokens.realm(), SERVICE, TokenService.ISSUER,
                dir.resolve("token.crt")));
        Path log = dir.resolve("registry.log");
        Process process = new ProcessBuilder(BINARY, "serve", config.toString()).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        process.getOutputStream().close();
        Registry registry = new Registry(process, log, port, tokens);
        await("docker-registry listens on 127.0.0.1:" + port).atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100)).until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("docker-registry exited: " + registry.log());
                    }
                    return registry.status(registry.url() + "/v2/") == 401;
                });
        return registry;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private int status(String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** What the test pushed: the manifest's digest and the layer's. */
    public record Pushed(String manifestDigest, String layerDigest, String configDigest) {
    }

    /** Pushes a one-layer image {@code repository:tag} straight to the registry with a token minted for it. */
    public Pushed push(Path work, String repository, String tag, String content) throws Exception {
        String token = tokens.mint(List.of("repository:" + repository + ":pull,push"), 300);
        Path files = Files.createDirectories(work.resolve("layer-" + repository.replace('/', '_')));
        Files.writeString(files.resolve("hello.txt"), content);
        byte[] tar = tar(files);
        ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(gzipped)) {
            gzip.write(tar);
        }
        byte[] layer = gzipped.toByteArray();
        byte[] config = """
                {"architecture":"amd64","os":"linux","created":"2026-01-01T00:00:00Z",\
                "config":{"Labels":{"pushed-by":"RegistryThroughGatewayIT"}},\
                "rootfs":{"type":"layers","diff_ids":["%s"]},\
                "history":[{"created":"2026-01-01T00:00:00Z","created_by":"RegistryThroughGatewayIT"}]}"""
                .formatted(digest(tar)).getBytes(StandardCharsets.UTF_8);
        uploadBlob(token, repository, config);
        uploadBlob(token, repository, layer);
        byte[] manifest = """
                {"schemaVersion":2,"mediaType":"%s",\
                "config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":%d,"digest":"%s"},\
                "layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":%d,"digest":"%s"}]}"""
                .formatted(MANIFEST_TYPE, config.length, digest(config), layer.length, digest(layer))
                .getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(url() + "/v2/" + repository
                        + "/manifests/" + tag)).header("Authorization", "Bearer " + token)
                .header("Content-Type", MANIFEST_TYPE).PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (put.statusCode() != 201) {
            throw new IllegalStateException("manifest PUT: " + put.statusCode() + " " + put.body());
        }
        return new Pushed(digest(manifest), digest(layer), digest(config));
    }

    private void uploadBlob(String token, String repository, byte[] blob) throws Exception {
        HttpResponse<String> start = http.send(HttpRequest.newBuilder(URI.create(url() + "/v2/" + repository
                + "/blobs/uploads/")).header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        if (start.statusCode() != 202) {
            throw new IllegalStateException("upload start: " + start.statusCode() + " " + start.body() + "\n" + log());
        }
        URI location = URI.create(url() + "/").resolve(start.headers().firstValue("Location").orElseThrow());
        String separator = location.getRawQuery() == null ? "?" : "&";
        HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(location + separator + "digest="
                + digest(blob))).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(blob)).build(), HttpResponse.BodyHandlers.ofString());
        if (put.statusCode() != 201) {
            throw new IllegalStateException("blob PUT: " + put.statusCode() + " " + put.body());
        }
    }

    /** The tags of a repository, asked straight from the registry with a pull token. */
    public String tags(String repository) throws Exception {
        String token = tokens.mint(List.of("repository:" + repository + ":pull"), 60);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url() + "/v2/" + repository
                + "/tags/list")).header("Authorization", "Bearer " + token).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }

    private static byte[] tar(Path dir) {
        try {
            Process tar = new ProcessBuilder("tar", "--sort=name", "--owner=0", "--group=0", "--mtime=@0", "-C",
                    dir.toString(), "-cf", "-", ".").redirectError(ProcessBuilder.Redirect.DISCARD).start();
            tar.getOutputStream().close();
            byte[] bytes = tar.getInputStream().readAllBytes();
            if (tar.waitFor() != 0) {
                throw new IllegalStateException("tar failed");
            }
            return bytes;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run tar", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static String digest(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
