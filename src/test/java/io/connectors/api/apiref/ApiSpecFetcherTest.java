package io.connectors.api.apiref;

import static org.assertj.core.api.Assertions.assertThat;

import io.connectors.api.forward.Destination;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpServer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Fetching a class API's own OpenAPI document: JSON or YAML, ETag / 304, and failures that keep the last good document. */
class ApiSpecFetcherTest {

    static final String JSON_DOC = "{\"openapi\":\"3.0.1\",\"info\":{\"title\":\"t\",\"version\":\"1\"},"
            + "\"paths\":{\"/things\":{\"get\":{}}}}";
    static final String YAML_DOC = "openapi: 3.0.1\ninfo: {title: t, version: '2'}\npaths:\n  /other:\n    get: {}\n";

    Vertx vertx;
    HttpServer server;
    HttpClient client;
    final AtomicReference<String> body = new AtomicReference<>(JSON_DOC);
    final AtomicReference<String> contentType = new AtomicReference<>("application/json");
    final AtomicInteger status = new AtomicInteger(200);
    final List<String> ifNoneMatch = new CopyOnWriteArrayList<>();
    final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-29T10:00:00Z"));

    @BeforeEach
    void serve() throws Exception {
        vertx = Vertx.vertx();
        client = vertx.createHttpClient();
        server = vertx.createHttpServer().requestHandler(request -> {
            ifNoneMatch.add(String.valueOf(request.getHeader("If-None-Match")));
            String current = body.get();
            String etag = "\"" + ApiSpecFetcher.sha256(current.getBytes(StandardCharsets.UTF_8)) + "\"";
            if (status.get() != 200) {
                request.response().setStatusCode(status.get()).end("broken");
            } else if (etag.equals(request.getHeader("If-None-Match"))) {
                request.response().setStatusCode(304).putHeader("ETag", etag).end();
            } else {
                request.response().putHeader("ETag", etag).putHeader("Content-Type", contentType.get()).end(current);
            }
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    ApiSpecFetcher fetcher(int maxBytes) {
        Clock clock = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
        return new ApiSpecFetcher(target -> client, (target, what) -> Future.succeededFuture(Destination.viaProxy()),
                Duration.ofSeconds(5), maxBytes, clock);
    }

    String url() {
        return "http://127.0.0.1:" + server.actualPort() + "/openapi.json";
    }

    ApiSpecState fetch(ApiSpecFetcher fetcher, String url, ApiSpecState previous) throws Exception {
        return fetcher.fetch(url, previous).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aDocumentIsFetchedThenRevalidatedWithItsEtag() throws Exception {
        ApiSpecFetcher fetcher = fetcher(1 << 20);
        ApiSpecState first = fetch(fetcher, url(), ApiSpecState.NONE);
        assertThat(first.error()).isEmpty();
        assertThat(first.document()).isPresent();
        assertThat(first.document().get().path("paths").has("/things")).isTrue();
        assertThat(first.sha256()).isEqualTo(ApiSpecFetcher.sha256(JSON_DOC.getBytes(StandardCharsets.UTF_8)));
        assertThat(first.changedAt()).isEqualTo(Instant.parse("2026-11-29T10:00:00Z"));
        assertThat(ifNoneMatch).containsExactly("null");

        now.set(Instant.parse("2026-11-29T10:05:00Z"));
        ApiSpecState revalidated = fetch(fetcher, url(), first);
        assertThat(ifNoneMatch.get(1)).isEqualTo(first.etag());
        assertThat(revalidated.document()).isEqualTo(first.document());
        assertThat(revalidated.sha256()).isEqualTo(first.sha256());
        assertThat(revalidated.changedAt()).isEqualTo(first.changedAt());
        assertThat(revalidated.checkedAt()).isEqualTo(Instant.parse("2026-11-29T10:05:00Z"));

        body.set(YAML_DOC);
        contentType.set("application/yaml");
        now.set(Instant.parse("2026-11-29T10:10:00Z"));
        ApiSpecState changed = fetch(fetcher, url(), revalidated);
        assertThat(changed.document().get().path("paths").has("/other")).isTrue();
        assertThat(changed.sha256()).isEqualTo(ApiSpecFetcher.sha256(YAML_DOC.getBytes(StandardCharsets.UTF_8)));
        assertThat(changed.changedAt()).isEqualTo(Instant.parse("2026-11-29T10:10:00Z"));
    }

    @Test
    void yamlIsReadWhateverTheContentType() throws Exception {
        body.set(YAML_DOC);
        contentType.set("text/plain");
        ApiSpecState state = fetch(fetcher(1 << 20), url(), ApiSpecState.NONE);
        assertThat(state.error()).isEmpty();
        assertThat(state.document().get().path("info").path("version").asText()).isEqualTo("2");
    }

    @Test
    void aFailedFetchKeepsTheLastGoodDocumentAndSaysWhy() throws Exception {
        ApiSpecFetcher fetcher = fetcher(1 << 20);
        ApiSpecState good = fetch(fetcher, url(), ApiSpecState.NONE);

        status.set(500);
        ApiSpecState serverError = fetch(fetcher, url(), good);
        assertThat(serverError.error()).contains("HTTP 500 from " + url());
        assertThat(serverError.document()).isEqualTo(good.document());
        assertThat(serverError.sha256()).isEqualTo(good.sha256());

        status.set(200);
        body.set("{\"not\": \"openapi\"}");
        ApiSpecState notOpenApi = fetch(fetcher, url(), serverError);
        assertThat(notOpenApi.error()).hasValueSatisfying(error -> assertThat(error).contains("not an OpenAPI document"));
        assertThat(notOpenApi.sha256()).isEqualTo(good.sha256());

        body.set("{ not json");
        assertThat(fetch(fetcher, url(), good).error()).hasValueSatisfying(error -> assertThat(error).contains("neither JSON nor YAML"));

        body.set(JSON_DOC);
        ApiSpecState recovered = fetch(fetcher, url(), notOpenApi);
        assertThat(recovered.error()).isEmpty();
        assertThat(recovered.changedAt()).isEqualTo(good.changedAt());

        int port = server.actualPort();
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        ApiSpecState unreachable = fetch(fetcher, "http://127.0.0.1:" + port + "/openapi.json", recovered);
        assertThat(unreachable.error()).isPresent();
        assertThat(unreachable.document()).isEqualTo(good.document());
    }

    @Test
    void aDocumentOverTheLimitIsAFailure() throws Exception {
        ApiSpecState state = fetch(fetcher(16), url(), ApiSpecState.NONE);
        assertThat(state.error()).hasValueSatisfying(error -> assertThat(error).contains("larger than"));
        assertThat(state.document()).isEmpty();
    }
}
