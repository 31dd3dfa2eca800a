package io.connectors.api.e2e.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.connectors.api.support.ChildProcess;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A registry token service as distribution's token authentication expects one: {@code GET /token?service=…&scope=…}
 * with Basic credentials, answering RS256 JWTs whose {@code x5c} header carries a certificate the
 * registry trusts ({@code rootcertbundle}). Only the configured user with the configured password
 * gets the actions asked for; anyone else gets a token without access. Every request's
 * {@code Authorization} header is recorded, so tests can tell who sent what where.
 */
public final class TokenService implements AutoCloseable {

    public static final String ISSUER = "registry-it-token-service";

    private final HttpServer server;
    private final PrivateKey key;
    private final String certificate;
    private final String service;
    private final String username;
    private final String password;
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final List<String> queries = new CopyOnWriteArrayList<>();

    private TokenService(HttpServer server, PrivateKey key, String certificate, String service, String username,
            String password) {
        this.server = server;
        this.key = key;
        this.certificate = certificate;
        this.service = service;
        this.username = username;
        this.password = password;
    }

    /** A key and self-signed certificate under {@code dir} (token.key, token.crt), and the service on 127.0.0.1. */
    public static TokenService start(Path dir, String service, String username, String password) throws Exception {
        ChildProcess.check(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "token.key",
                "-out", "token.crt", "-days", "2", "-subj", "/CN=registry-it-token-service",
                "-addext", "keyUsage=critical,digitalSignature,keyCertSign"), dir);
        String pem = Files.readString(dir.resolve("token.key"));
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
        PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        X509Certificate cert;
        try (var in = Files.newInputStream(dir.resolve("token.crt"))) {
            cert = (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        TokenService tokens = new TokenService(server, key, Base64.getEncoder().encodeToString(cert.getEncoded()),
                service, username, password);
        server.createContext("/token", tokens::handle);
        server.start();
        return tokens;
    }

    public String realm() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    /** The Authorization header of every request so far ("" when there was none). */
    public List<String> authorizations() {
        return List.copyOf(authorizations);
    }

    public List<String> queries() {
        return List.copyOf(queries);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            authorizations.add(authorization == null ? "" : authorization);
            String query = exchange.getRequestURI().getRawQuery();
            queries.add(query == null ? "" : query);
            boolean known = ("Basic " + Base64.getEncoder().encodeToString((username + ":" + password)
                    .getBytes(StandardCharsets.UTF_8))).equals(authorization);
            if (authorization != null && !known) {
                send(exchange, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"bad credentials\"}]}");
                return;
            }
            List<String> scopes = new ArrayList<>();
            for (String pair : query == null ? new String[0] : query.split("&")) {
                if (pair.startsWith("scope=")) {
                    scopes.add(URLDecoder.decode(pair.substring(6), StandardCharsets.UTF_8));
                }
            }
            String token = mint(known ? scopes : List.of(), 300);
            send(exchange, 200, "{\"token\":\"" + token + "\",\"expires_in\":300,\"issued_at\":\"" + Instant.now() + "\"}");
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    /** A token granting {@code scopes} ({@code repository:<name>:<actions>}) for {@code seconds}. */
    public String mint(List<String> scopes, long seconds) throws Exception {
        StringBuilder access = new StringBuilder();
        for (String scope : scopes) {
            int first = scope.indexOf(':');
            int last = scope.lastIndexOf(':');
            if (first < 0 || last <= first) {
                continue;
            }
            StringBuilder actions = new StringBuilder();
            for (String action : scope.substring(last + 1).split(",")) {
                actions.append(actions.isEmpty() ? "" : ",").append('"').append(action).append('"');
            }
            access.append(access.isEmpty() ? "" : ",").append("{\"type\":\"").append(scope, 0, first)
                    .append("\",\"name\":\"").append(scope, first + 1, last).append("\",\"actions\":[")
                    .append(actions).append("]}");
        }
        long now = Instant.now().getEpochSecond();
        String header = "{\"typ\":\"JWT\",\"alg\":\"RS256\",\"x5c\":[\"" + certificate + "\"]}";
        String claims = "{\"iss\":\"" + ISSUER + "\",\"sub\":\"" + username + "\",\"aud\":\"" + service
                + "\",\"exp\":" + (now + seconds) + ",\"nbf\":" + (now - 10) + ",\"iat\":" + now + ",\"jti\":\""
                + UUID.randomUUID() + "\",\"access\":[" + access + "]}";
        String signingInput = base64Url(header.getBytes(StandardCharsets.UTF_8)) + "."
                + base64Url(claims.getBytes(StandardCharsets.UTF_8));
        Signature signature = Signature.getInstance("SHA256withRSA");
        signature.initSign(key);
        signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + base64Url(signature.sign());
    }

    private static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
