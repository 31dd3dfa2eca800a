package io.connectors.api.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A git smart-HTTP server for tests: {@code git http-backend} run as a CGI per request behind
 * HTTP basic auth, on 127.0.0.1 and a free port, serving bare repositories in a temp directory.
 * Pushes are allowed because every accepted request carries REMOTE_USER.
 */
public final class GitHttpServer implements AutoCloseable {

    private static final long CGI_TIMEOUT_SECONDS = 60;

    private final Path root;
    private final Path httpBackend;
    private final Path repositories;
    private final String username;
    private final String password;
    private final byte[] expectedAuthorization;
    private final HttpServer server;
    private final ExecutorService requests = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "git-http-server");
        thread.setDaemon(true);
        return thread;
    });

    private GitHttpServer(Path root, String username, String password) throws IOException {
        this.root = root;
        this.httpBackend = httpBackend();
        this.repositories = Files.createDirectories(root.resolve("repositories"));
        this.username = username;
        this.password = password;
        this.expectedAuthorization = ("Basic " + Base64.getEncoder().encodeToString(
                (username + ":" + password).getBytes(StandardCharsets.UTF_8))).getBytes(StandardCharsets.UTF_8);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(requests);
        server.start();
    }

    /** Starts a server that accepts only {@code username:password}, with no repositories yet. */
    public static GitHttpServer start(String username, String password) {
        try {
            return new GitHttpServer(Files.createTempDirectory("git-http-root"), username, password);
        } catch (IOException e) {
            throw new UncheckedIOException("git server did not start", e);
        }
    }

    public String username() {
        return username;
    }

    public String password() {
        return password;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public String repositoryUrl(String name) {
        return url() + "/" + name + ".git";
    }

    /** The bare repository {@code name.git} on disk. */
    public Path repository(String name) {
        return repositories.resolve(name + ".git");
    }

    /**
     * Seeds {@code name.git} with two commits on main, a branch {@code feature} one commit
     * further, a lightweight tag {@code v1.0} and an annotated tag {@code v1.1}.
     */
    public Path seedDemoRepository(GitCli git, String name) {
        Path work = root.resolve("seeds").resolve(name);
        try {
            Files.createDirectories(work);
            git.run(work, "init", "-q", "-b", "main").orThrow();
            Files.writeString(work.resolve("README.md"), "# " + name + "\n");
            git.run(work, "add", "README.md").orThrow();
            git.run(work, "commit", "-q", "-m", "first commit").orThrow();
            git.run(work, "tag", "v1.0").orThrow();
            Files.writeString(work.resolve("hello.txt"), "hello\n");
            git.run(work, "add", "hello.txt").orThrow();
            git.run(work, "commit", "-q", "-m", "second commit").orThrow();
            git.run(work, "tag", "-a", "v1.1", "-m", "release 1.1").orThrow();
            git.run(work, "checkout", "-q", "-b", "feature").orThrow();
            Files.writeString(work.resolve("feature.txt"), "feature\n");
            git.run(work, "add", "feature.txt").orThrow();
            git.run(work, "commit", "-q", "-m", "feature commit").orThrow();
            git.run(work, "checkout", "-q", "main").orThrow();
            git.run(root, "clone", "-q", "--bare", work.toString(), repository(name).toString()).orThrow();
            return repository(name);
        } catch (IOException e) {
            throw new UncheckedIOException("could not seed " + name, e);
        }
    }

    /** Where this git keeps http-backend: /usr/lib/git-core on Debian, /usr/libexec/git-core on Fedora. */
    private static Path httpBackend() {
        GitCli.Result execPath = GitCli.isolated().run(Path.of(System.getProperty("java.io.tmpdir")), "--exec-path");
        Path backend = Path.of(execPath.orThrow().output().strip(), "git-http-backend");
        if (!Files.isExecutable(backend)) {
            throw new IllegalStateException("git-http-backend not found at " + backend + ": install git");
        }
        return backend;
    }

    @Override
    public void close() {
        server.stop(0);
        requests.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (authorization == null || !MessageDigest.isEqual(expectedAuthorization,
                    authorization.getBytes(StandardCharsets.UTF_8))) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"git\"");
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            runCgi(exchange);
        }
    }

    private void runCgi(HttpExchange exchange) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(httpBackend.toString())
                .redirectError(ProcessBuilder.Redirect.appendTo(root.resolve("http-backend.log").toFile()));
        Map<String, String> env = builder.environment();
        env.clear();
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("HOME", root.toString());
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        env.put("GIT_PROJECT_ROOT", repositories.toString());
        env.put("GIT_HTTP_EXPORT_ALL", "1");
        env.put("GATEWAY_INTERFACE", "CGI/1.1");
        env.put("SERVER_PROTOCOL", exchange.getProtocol());
        env.put("REQUEST_METHOD", exchange.getRequestMethod());
        env.put("PATH_INFO", exchange.getRequestURI().getPath());
        env.put("QUERY_STRING", exchange.getRequestURI().getRawQuery() == null ? ""
                : exchange.getRequestURI().getRawQuery());
        env.put("REMOTE_USER", username);
        env.put("REMOTE_ADDR", exchange.getRemoteAddress().getAddress().getHostAddress());
        exchange.getRequestHeaders().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals("content-type")) {
                env.put("CONTENT_TYPE", values.get(0));
            } else if (lower.equals("content-length")) {
                env.put("CONTENT_LENGTH", values.get(0));
            } else if (!lower.equals("authorization")) {
                // Content-Encoding (gzip'd fetch requests) and Git-Protocol reach http-backend this way.
                env.put("HTTP_" + lower.toUpperCase(Locale.ROOT).replace('-', '_'), String.join(", ", values));
            }
        });
        Process process = builder.start();
        // The request body (chunked or not, already de-chunked here) goes in while the answer comes out.
        CompletableFuture.runAsync(() -> {
            try (InputStream in = exchange.getRequestBody(); OutputStream stdin = process.getOutputStream()) {
                in.transferTo(stdin);
            } catch (IOException e) {
                // http-backend closed its stdin early (it answered an error): nothing more to send.
            }
        }, requests);
        try (InputStream stdout = process.getInputStream()) {
            int status = sendCgiHeaders(exchange, stdout);
            try (OutputStream response = exchange.getResponseBody()) {
                if (status != 304 && status != 204) {
                    stdout.transferTo(response);
                }
            }
        } finally {
            try {
                if (!process.waitFor(CGI_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Reads the CGI header block ({@code Status:} and headers up to a blank line) and sends it. */
    private static int sendCgiHeaders(HttpExchange exchange, InputStream stdout) throws IOException {
        int status = 200;
        for (String line = readLine(stdout); line != null && !line.isEmpty(); line = readLine(stdout)) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Status")) {
                status = Integer.parseInt(value.split(" ", 2)[0]);
            } else {
                exchange.getResponseHeaders().add(name, value);
            }
        }
        // Length 0: chunked, so the pack streams out as http-backend writes it.
        exchange.sendResponseHeaders(status, status == 304 || status == 204 ? -1 : 0);
        return status;
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }
}
