package io.connectors.examples.gitapi;

import io.connectors.sdk.ApiStatus;
import io.connectors.sdk.BasicAuth;
import io.connectors.sdk.OpenApiDocument;
import io.connectors.sdk.Pagination;
import io.connectors.sdk.PluginContext;
import io.connectors.sdk.StatusException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An example custom API for a {@code git} ConnectorClass (issue 4): {@code GET /git/gitrefs}
 * (and {@code /gitrefs}, for the legacy resources route) lists the branches and tags of
 * {@code repositoryUrl} on the Connector's git server, read over smart HTTP with the Connector's
 * credentials from the {@code X-Plugin-*} headers, paginated in the list envelope.
 *
 * <p>Run it alone with {@link #main}: see docs/custom-apis.md.
 */
public final class GitRefsApi implements AutoCloseable {

    /**
     * What this API serves, published at {@link OpenApiDocument#PATH}: its example class
     * (docs/custom-apis.md) registers it with the annotation {@code connectors.alauda.io/api-spec-path}.
     */
    static final OpenApiDocument OPENAPI = OpenApiDocument.of("""
            {"openapi": "3.0.1",
             "info": {"title": "git refs", "version": "1"},
             "paths": {
               "/git/gitrefs": {"get": {
                 "x-provider-type": "api",
                 "summary": "branches and tags of a repository of the Connector's git server, paginated",
                 "parameters": [
                   {"name": "repositoryUrl", "in": "query", "required": true, "schema": {"type": "string"}},
                   {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                   {"name": "itemsPerPage", "in": "query", "schema": {"type": "integer", "minimum": 1}}],
                 "responses": {"200": {"description": "{listMeta: {totalItems}, items: [{name, ref, type, commit}]}"}}}}}}
            """);

    static final int MAX_ADVERTISEMENT_BYTES = 32 * 1024 * 1024;
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final Vertx vertx;
    private final boolean ownsVertx;
    private final HttpClient git;
    private final HttpServer server;
    private final Duration timeout;

    private GitRefsApi(Vertx vertx, boolean ownsVertx, String host, int port, Duration timeout) throws Exception {
        this.vertx = vertx;
        this.ownsVertx = ownsVertx;
        this.timeout = timeout;
        this.git = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) timeout.toMillis())
                .setMaxPoolSize(16));
        this.server = vertx.createHttpServer().requestHandler(this::handle).listen(port, host)
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** On 127.0.0.1 and a free port, with its own Vert.x. */
    public static GitRefsApi start() {
        return start(DEFAULT_TIMEOUT);
    }

    /** With {@code timeout} for connecting to the git server and for each silence while reading from it. */
    public static GitRefsApi start(Duration timeout) {
        return start(Vertx.vertx(), true, "127.0.0.1", 0, timeout);
    }

    private static GitRefsApi start(Vertx vertx, boolean ownsVertx, String host, int port, Duration timeout) {
        try {
            return new GitRefsApi(vertx, ownsVertx, host, port, timeout);
        } catch (Exception e) {
            throw new IllegalStateException("the git refs API did not start", e);
        }
    }

    /** {@code java ... GitRefsApi [port] [host]}: defaults 8081 and 127.0.0.1. */
    public static void main(String[] args) {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8081;
        String host = args.length > 1 ? args[1] : "127.0.0.1";
        GitRefsApi api = start(Vertx.vertx(), true, host, port, DEFAULT_TIMEOUT);
        System.out.println("git refs API on http://" + host + ":" + api.server.actualPort() + "/git/gitrefs");
    }

    public String url() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    @Override
    public void close() {
        server.close();
        git.close();
        if (ownsVertx) {
            vertx.close();
        }
    }

    private void handle(HttpServerRequest request) {
        if (request.path().equals(OpenApiDocument.PATH) && (request.method() == HttpMethod.GET
                || request.method() == HttpMethod.HEAD)) {
            OpenApiDocument.Answer openapi = OPENAPI.answer(request.getHeader("If-None-Match"));
            request.response().setStatusCode(openapi.code());
            openapi.headers().forEach(request.response()::putHeader);
            request.response().end(openapi.body());
            return;
        }
        Future<String> answer;
        try {
            answer = answer(request);
        } catch (StatusException e) {
            answer = Future.failedFuture(e);
        }
        answer.onSuccess(json -> request.response().putHeader("Content-Type", "application/json").end(json))
                .onFailure(failure -> {
                    ApiStatus status = asStatus(failure).status();
                    request.response().setStatusCode(status.code()).putHeader("Content-Type", ApiStatus.CONTENT_TYPE)
                            .end(status.toJson());
                });
    }

    private Future<String> answer(HttpServerRequest request) {
        String path = request.path().replaceAll("/+$", "");
        if (!path.equals("/git/gitrefs") && !path.equals("/gitrefs")) {
            throw StatusException.notFound("no resource " + request.path() + "; this API serves /git/gitrefs");
        }
        if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
            throw new StatusException(405, "MethodNotAllowed", "gitrefs is read-only");
        }
        PluginContext context = PluginContext.fromHeaders(request::getHeader);
        Pagination pagination = Pagination.of(request.getParam("page"), request.getParam("itemsPerPage"));
        URI repository = RepositoryUrl.resolve(context.baseUrl(), request.getParam("repositoryUrl"));
        return refs(repository, authorization(context)).map(refs -> pagination.apply(refs).toJson());
    }

    /** Basic for basic-auth Secrets; a token as Bearer; nothing without a Secret (public repositories). */
    private static Optional<String> authorization(PluginContext context) {
        return context.basicAuth().map(BasicAuth::authorizationHeader)
                .or(() -> context.token().map(token -> "Bearer " + token));
    }

    private Future<List<GitRef>> refs(URI repository, Optional<String> authorization) {
        String infoRefs = repository.toString().replaceAll("/+$", "") + "/info/refs?service=git-upload-pack";
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(infoRefs)
                .setIdleTimeout(timeout.toMillis()).putHeader("Accept", "*/*").putHeader("User-Agent", "git/connectors-gitrefs");
        authorization.ifPresent(value -> options.putHeader("Authorization", value));
        return git.request(options).compose(request -> request.send()).compose(response -> {
            int code = response.statusCode();
            if (code == 401 || code == 403) {
                return Future.failedFuture(StatusException.forbidden(
                        "the git server refused the connector's credentials (HTTP " + code + ")"));
            }
            if (code == 404) {
                return Future.failedFuture(StatusException.notFound("repository " + repository + " not found"));
            }
            if (code != 200) {
                return Future.failedFuture(StatusException.badGateway("the git server answered HTTP " + code));
            }
            String type = response.getHeader("Content-Type");
            if (type == null || !type.startsWith("application/x-git-upload-pack-advertisement")) {
                return Future.failedFuture(StatusException.badGateway(repository + " is not a smart HTTP git repository"));
            }
            String length = response.getHeader("Content-Length");
            if (length != null && Long.parseLong(length) > MAX_ADVERTISEMENT_BYTES) {
                return Future.failedFuture(StatusException.badGateway("the ref advertisement is too large"));
            }
            return response.body().map(body -> {
                if (body.length() > MAX_ADVERTISEMENT_BYTES) {
                    throw StatusException.badGateway("the ref advertisement is too large");
                }
                try {
                    return RefAdvertisement.parse(body.getBytes());
                } catch (IllegalArgumentException e) {
                    throw StatusException.badGateway("the git server's ref advertisement is malformed: " + e.getMessage());
                }
            });
        });
    }

    private static StatusException asStatus(Throwable failure) {
        if (failure instanceof StatusException status) {
            return status;
        }
        // Vert.x reports an idle timeout as a java.util.concurrent.TimeoutException.
        if (failure instanceof TimeoutException) {
            return StatusException.timeout("the git server did not answer in time");
        }
        if (failure instanceof ConnectException || failure instanceof UnknownHostException) {
            return StatusException.badGateway("the git server is unreachable");
        }
        return StatusException.badGateway("calling the git server failed");
    }
}
