package io.connectors.api.e2e.npm;

import io.connectors.api.support.ChildProcess;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A private npm registry (Verdaccio, installed by {@code scripts/verdaccio.sh}) on 127.0.0.1 and a
 * free port, with its storage and htpasswd file in {@code dir}, no uplinks (tests never reach the
 * internet), and every package readable and publishable by authenticated users only — so a
 * request that arrives without the Connector's token is refused by the registry itself.
 *
 * <p>Behind the gateway, the registry must write tarball URLs that point back through the
 * gateway, or npm would fetch tarballs from the registry directly. Verdaccio builds them as
 * {@code new URL(url_prefix, VERDACCIO_PUBLIC_URL)}, so the gateway URL of the Connector is split:
 * its origin goes into {@code VERDACCIO_PUBLIC_URL}, its path into {@code url_prefix}.
 */
public final class Verdaccio implements AutoCloseable {

    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern TOKEN = Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"");

    private final Process process;
    private final int port;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Verdaccio(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts a registry whose packuments name {@code publicUrl} (the Connector's gateway URL) as their base. */
    public static Verdaccio start(Path projectDir, Path dir, URI publicUrl) throws IOException {
        Files.createDirectories(dir);
        String binary = install(projectDir, dir);
        int port = freePort();
        Path config = dir.resolve("config.yaml");
        Files.writeString(config, config(dir, publicUrl.getRawPath()), StandardCharsets.UTF_8);
        Path log = dir.resolve("verdaccio.log");
        String origin = publicUrl.getScheme() + "://" + publicUrl.getRawAuthority() + "/";
        Process process = ChildProcess.start(List.of(binary, "--config", config.toString(), "--listen",
                "127.0.0.1:" + port), dir, Map.of("VERDACCIO_PUBLIC_URL", origin), log);
        Verdaccio verdaccio = new Verdaccio(process, port, log);
        try {
            verdaccio.awaitReady();
        } catch (RuntimeException e) {
            verdaccio.close();
            throw e;
        }
        return verdaccio;
    }

    /** The registry's own address, for publishing to it directly (not through the gateway). */
    public URI url() {
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    /**
     * Creates a user through the CouchDB-style registry API (what {@code npm adduser} calls, without
     * its prompts) and returns that user's token.
     */
    public String addUser(String name, String password) throws IOException, InterruptedException {
        String body = "{\"name\":\"" + name + "\",\"password\":\"" + password + "\"}";
        URI user = url().resolve("-/user/org.couchdb.user:" + name);
        HttpRequest request = HttpRequest.newBuilder(user).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        Matcher token = TOKEN.matcher(response.body());
        if (response.statusCode() != 201 || !token.find()) {
            // The body holds no token when creation failed, so it is safe to show.
            throw new IllegalStateException("cannot create Verdaccio user " + name + ": HTTP " + response.statusCode()
                    + " " + response.body());
        }
        return token.group(1);
    }

    public String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    @Override
    public void close() {
        ChildProcess.destroyTree(process.toHandle());
    }

    private void awaitReady() {
        await("Verdaccio on port " + port).atMost(READY_TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("Verdaccio exited with " + process.exitValue() + ":\n" + log());
            }
            try {
                return http.send(HttpRequest.newBuilder(url().resolve("-/ping")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException notYetListening) {
                return false;
            }
        });
    }

    private static String install(Path projectDir, Path dir) {
        ChildProcess.Result result = ChildProcess.run(List.of("bash", projectDir.resolve("scripts/verdaccio.sh")
                .toString()), projectDir, Map.of(), dir.resolve("verdaccio-install.log"), INSTALL_TIMEOUT);
        List<String> lines = result.output().lines().toList();
        String binary = lines.isEmpty() ? "" : lines.get(lines.size() - 1).trim();
        if (result.exitCode() != 0 || !Files.isExecutable(Path.of(binary))) {
            throw new IllegalStateException("scripts/verdaccio.sh failed (exit " + result.exitCode() + "):\n"
                    + result.output());
        }
        return binary;
    }

    private static String config(Path dir, String urlPrefix) {
        return """
                storage: %s
                auth:
                  htpasswd:
                    file: %s
                    max_users: 100
                uplinks: {}
                packages:
                  '**':
                    access: $authenticated
                    publish: $authenticated
                    unpublish: $authenticated
                url_prefix: %s
                web:
                  enable: false
                log: {type: stdout, format: pretty, level: http}
                """.formatted(quoted(dir.resolve("storage")), quoted(dir.resolve("htpasswd")),
                quoted(urlPrefix));
    }

    /** YAML single quotes: no escapes except a doubled quote. */
    private static String quoted(Object value) {
        return "'" + value.toString().replace("'", "''") + "'";
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
