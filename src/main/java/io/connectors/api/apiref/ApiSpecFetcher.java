package io.connectors.api.apiref;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.connectors.api.errors.GatewayError;
import io.connectors.api.forward.Destination;
import io.connectors.api.forward.UpstreamTarget;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * One fetch of a class API's own OpenAPI document: non-blocking (Vert.x HTTP client), to a
 * destination checked like every other one, with {@code If-None-Match} when a document is known.
 * A failure never loses the last good document: the state keeps it and says why it is old.
 */
public final class ApiSpecFetcher {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new YAMLMapper();

    private final Function<UpstreamTarget, HttpClient> clients;
    private final BiFunction<UpstreamTarget, String, Future<Destination>> destinations;
    private final Duration timeout;
    private final int maxBytes;
    private final Clock clock;

    public ApiSpecFetcher(Function<UpstreamTarget, HttpClient> clients,
            BiFunction<UpstreamTarget, String, Future<Destination>> destinations, Duration timeout, int maxBytes,
            Clock clock) {
        this.clients = clients;
        this.destinations = destinations;
        this.timeout = timeout;
        this.maxBytes = maxBytes;
        this.clock = clock;
    }

    /** The state after fetching {@code url}, starting from {@code previous} (never a failed future). */
    public Future<ApiSpecState> fetch(String url, ApiSpecState previous) {
        UpstreamTarget target;
        String path;
        String query;
        try {
            target = UpstreamTarget.parse(url, "the OpenAPI address " + url);
            java.net.URI parsed = new java.net.URI(url.trim());
            path = parsed.getRawPath() == null || parsed.getRawPath().isEmpty() ? "/" : parsed.getRawPath();
            query = parsed.getRawQuery();
        } catch (GatewayError | java.net.URISyntaxException e) {
            return Future.succeededFuture(previous.failed(url, e.getMessage(), clock.instant()));
        }
        boolean sameDocument = previous.document().isPresent() && url.equals(previous.url());
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(target.host())
                .setPort(target.port()).setSsl(target.tls()).setURI(query == null ? path : path + "?" + query)
                .setIdleTimeout(timeout.toMillis()).setTimeout(timeout.toMillis())
                .putHeader("Accept", "application/json, application/yaml;q=0.9, */*;q=0.1")
                .putHeader("Host", target.authority());
        if (sameDocument && previous.etag() != null) {
            options.putHeader("If-None-Match", previous.etag());
        }
        String what = "the OpenAPI document at " + url;
        return destinations.apply(target, what)
                .compose(destination -> clients.apply(target).request(destination.apply(options)))
                // The body's handlers are set by a listener of send() itself, which runs on the
                // request's context as the head arrives: one step further down a chain may run later,
                // after the end of a short answer went by, and a body asked for then never completes.
                .compose(request -> request.send().compose(response -> answer(url, previous, sameDocument, response)))
                .otherwise(failure -> previous.failed(url, describe(failure), clock.instant()));
    }

    private Future<ApiSpecState> answer(String url, ApiSpecState previous, boolean sameDocument,
            HttpClientResponse response) {
        int code = response.statusCode();
        if (code == 304 && sameDocument) {
            // A 304 has no body to wait for.
            return Future.succeededFuture(previous.unchanged(clock.instant()));
        }
        if (code != 200) {
            // Whatever an error answer carries is not read: its connection is closed instead.
            response.request().reset();
            return Future.succeededFuture(previous.failed(url, "HTTP " + code + " from " + url, clock.instant()));
        }
        String length = response.getHeader("Content-Length");
        if (length != null && length.matches("\\d{1,18}") && Long.parseLong(length) > maxBytes) {
            response.request().reset();
            return Future.succeededFuture(previous.failed(url, "the document is larger than " + maxBytes
                    + " bytes (connectors.api-spec.max-bytes)", clock.instant()));
        }
        Buffer body = Buffer.buffer();
        io.vertx.core.Promise<Buffer> whole = io.vertx.core.Promise.promise();
        response.handler(chunk -> {
            if (body.length() + chunk.length() > maxBytes) {
                if (whole.tryFail(new TooLarge())) {
                    response.request().reset();
                }
                return;
            }
            body.appendBuffer(chunk);
        });
        response.exceptionHandler(whole::tryFail);
        response.endHandler(ignored -> whole.tryComplete(body));
        String etag = response.getHeader("ETag");
        String contentType = response.getHeader("Content-Type");
        return whole.future().map(bytes -> parsed(url, previous, bytes.getBytes(), etag, contentType));
    }

    private ApiSpecState parsed(String url, ApiSpecState previous, byte[] bytes, String etag, String contentType) {
        JsonNode document;
        try {
            document = parse(bytes, contentType);
        } catch (java.io.IOException | RuntimeException e) {
            return previous.failed(url, "the document at " + url + " is neither JSON nor YAML", clock.instant());
        }
        if (document == null || !document.isObject() || !(document.has("openapi") || document.has("swagger"))) {
            return previous.failed(url, "the document at " + url + " is not an OpenAPI document", clock.instant());
        }
        JsonNode paths = document.get("paths");
        if (paths != null && !paths.isNull() && !paths.isObject()) {
            return previous.failed(url, "the paths of the document at " + url + " are not an object", clock.instant());
        }
        return previous.fetched(url, document, sha256(bytes), etag, clock.instant());
    }

    static JsonNode parse(byte[] bytes, String contentType) throws java.io.IOException {
        String type = contentType == null ? "" : contentType.toLowerCase(java.util.Locale.ROOT);
        String start = new String(bytes, 0, Math.min(bytes.length, 64), StandardCharsets.UTF_8).stripLeading();
        boolean json = type.contains("json") || start.startsWith("{");
        return (json ? JSON : YAML).readTree(bytes);
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String describe(Throwable failure) {
        if (failure instanceof TooLarge) {
            return "the document is larger than the limit (connectors.api-spec.max-bytes)";
        }
        if (failure instanceof GatewayError error) {
            return error.getMessage();
        }
        if (failure instanceof java.util.concurrent.TimeoutException) {
            return "no answer in time";
        }
        if (failure instanceof java.net.ConnectException) {
            return "connection refused";
        }
        return failure.getClass().getSimpleName();
    }

    private static final class TooLarge extends RuntimeException {
        TooLarge() {
            super(null, null, false, false);
        }
    }
}
