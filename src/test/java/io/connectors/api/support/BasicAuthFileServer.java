package io.connectors.api.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A static file server behind HTTP Basic, as a private package repository is (a PEP 503 index, a
 * Maven repository): on 127.0.0.1 and a free port; GET and HEAD only; a path ending in "/" serves
 * its {@code index.html}; anything without the right credentials is a 401 with a Basic challenge.
 * The files come from the first of its roots that has them (a Maven repository's own artifacts,
 * then a read-only local repository for the plugins a Maven client needs, with the SHA-1 files a
 * local repository does not keep made on the fly). Every Authorization
 * header it is sent is kept, so a test can say who authenticated.
 */
public final class BasicAuthFileServer implements AutoCloseable {

    private final List<Path> roots;
    private final String expectedAuthorization;
    private final HttpServer server;
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final Set<String> served = ConcurrentHashMap.newKeySet();
    private final ExecutorService requests = Executors.newFixedThreadPool(4, runnable -> {
        Thread thread = new Thread(runnable, "basic-auth-file-server");
        thread.setDaemon(true);
        return thread;
    });

    private BasicAuthFileServer(List<Path> roots, String username, String password) throws IOException {
        this.roots = roots.stream().map(root -> root.toAbsolutePath().normalize()).toList();
        this.expectedAuthorization = "Basic " + Base64.getEncoder().encodeToString(
                (username + ":" + password).getBytes(StandardCharsets.UTF_8));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(requests);
        server.start();
    }

    /** Serves {@code roots} (first match wins) to {@code username:password} only. */
    public static BasicAuthFileServer start(String username, String password, Path... roots) {
        try {
            return new BasicAuthFileServer(List.of(roots), username, password);
        } catch (IOException e) {
            throw new UncheckedIOException("file server did not start", e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Every Authorization header received, in order (null for none). */
    public List<String> authorizations() {
        return List.copyOf(authorizations);
    }

    /** The paths it answered 200 for. */
    public Set<String> served() {
        return Set.copyOf(served);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            authorizations.add(String.valueOf(authorization));
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            if (!expectedAuthorization.equals(authorization)) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"packages\"");
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            String path = URI.create(exchange.getRequestURI().getRawPath()).getPath();
            Path file = find(path.endsWith("/") ? path + "index.html" : path);
            byte[] body;
            if (file != null) {
                body = Files.readAllBytes(file);
            } else if (path.endsWith(".sha1") && find(path.substring(0, path.length() - 5)) != null) {
                // A local Maven repository keeps no checksums: the one a remote repository serves is made here.
                file = find(path.substring(0, path.length() - 5));
                body = sha1(Files.readAllBytes(file)).getBytes(StandardCharsets.US_ASCII);
            } else {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", contentType(file));
            served.add(path);
            if (method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Content-Length", Long.toString(body.length));
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** The file of a decoded absolute path in the first root that has it; never outside a root. */
    private Path find(String path) {
        for (Path root : roots) {
            Path file = root.resolve(path.substring(1)).normalize();
            if (file.startsWith(root) && Files.isRegularFile(file)) {
                return file;
            }
        }
        return null;
    }

    private static String sha1(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String contentType(Path file) {
        String name = file.getFileName().toString();
        if (name.endsWith(".html")) {
            return "text/html; charset=utf-8";
        }
        if (name.endsWith(".pom") || name.endsWith(".xml")) {
            return "text/xml";
        }
        return "application/octet-stream";
    }

    @Override
    public void close() {
        server.stop(0);
        requests.shutdownNow();
    }
}
