package io.connectors.api.forward.registry;

import io.connectors.api.errors.GatewayError;
import io.connectors.api.forward.Forwarder;
import io.connectors.api.forward.UpstreamTarget;
import io.connectors.api.registry.RegistryErrors;
import io.connectors.api.registry.RegistryLocations;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyRequest;
import io.vertx.httpproxy.ProxyResponse;
import java.util.List;
import java.util.Optional;

/**
 * One proxy-mode request to a registry. A bodiless request the registry answers {@code 401} with a
 * {@code Bearer} challenge is sent once more with a token from the challenge's realm; a request
 * with a body (a blob upload, a manifest push) cannot be sent twice, so it gets its token first,
 * for the repository its path names. Everything else the registry says comes back unchanged,
 * except on the registry route: there {@code Location}s into the registry point back at the
 * route, challenges name the gateway's own token endpoint (a client must never take its
 * Kubernetes token to the registry's realm) and the gateway's own errors are in the registry's format.
 */
final class RegistryInterceptor implements ProxyInterceptor {

    private static final String V2 = "/v2/";
    private static final List<String> REPOSITORY_ENDS = List.of("/blobs/", "/manifests/", "/tags/", "/referrers/");

    private final RegistryFlow flow;
    private final RegistryFlow.Connection connection;
    private final boolean tokenFlow;
    private final Optional<RegistryLocations.ForRoute> route;

    RegistryInterceptor(RegistryFlow flow, RegistryFlow.Connection connection, boolean tokenFlow,
            Optional<RegistryLocations.ForRoute> route) {
        this.flow = flow;
        this.connection = connection;
        this.tokenFlow = tokenFlow;
        this.route = route;
    }

    @Override
    public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
        if (!tokenFlow || !isRegistryApi(connection.apiPath())) {
            // Only the registry API (/v2/…) speaks the token protocol: other APIs' Bearer challenges
            // (realm="GitLab", an OAuth server) are answered to the caller as they are.
            return context.sendRequest();
        }
        ProxyRequest request = context.request();
        if (hasBody(request.proxiedRequest().headers())) {
            Optional<String> repository = repository(connection.apiPath());
            if (repository.isEmpty()) {
                return context.sendRequest();
            }
            List<String> scopes = List.of("repository:" + repository.get() + ":pull,push");
            return flow.challenge(connection).compose(challenge -> challenge.isEmpty() ? context.sendRequest()
                    : flow.token(connection, challenge.get(), scopes).compose(token -> {
                        request.headers().set(HttpHeaders.AUTHORIZATION, "Bearer " + token.value());
                        return context.sendRequest();
                    }));
        }
        return context.sendRequest().compose(response -> {
            if (response.getStatusCode() != 401) {
                return Future.succeededFuture(response);
            }
            Optional<Challenge> challenge = Challenge.bearer(response.headers().getAll(io.netty.handler.codec.http.HttpHeaderNames.WWW_AUTHENTICATE))
                    .filter(RegistryInterceptor::hasUrlRealm);
            if (challenge.isEmpty()) {
                return Future.succeededFuture(response);
            }
            // The 401's body is dropped and its connection goes back to the pool.
            response.release();
            return flow.token(connection, challenge.get(), challenge.get().scopes()).compose(token -> {
                request.headers().set(HttpHeaders.AUTHORIZATION, "Bearer " + token.value());
                request.setBody(null);
                return context.sendRequest();
            });
        });
    }

    @Override
    public Future<Void> handleProxyResponse(ProxyContext context) {
        if (route.isPresent()) {
            ProxyResponse response = context.response();
            MultiMap headers = response.headers();
            GatewayError error = context.get(Forwarder.GATEWAY_ERROR, GatewayError.class);
            if (error != null) {
                response.setBody(Body.body(RegistryErrors.body(error)));
                headers.set(HttpHeaders.CONTENT_TYPE, RegistryErrors.CONTENT_TYPE);
            }
            String location = headers.get(HttpHeaders.LOCATION);
            if (location != null) {
                headers.set(HttpHeaders.LOCATION, route.get().rewrite(location));
            }
            if (headers.contains(io.netty.handler.codec.http.HttpHeaderNames.WWW_AUTHENTICATE)) {
                headers.set(io.netty.handler.codec.http.HttpHeaderNames.WWW_AUTHENTICATE, route.get().challenge());
            }
        }
        return context.sendResponse();
    }

    static boolean isRegistryApi(String apiPath) {
        return apiPath.equals("/v2") || apiPath.startsWith(V2);
    }

    /** A realm the gateway can call: an absolute http(s) URL with a host. */
    static boolean hasUrlRealm(Challenge challenge) {
        try {
            UpstreamTarget.parse(challenge.param("realm").orElse(""), "realm");
            return true;
        } catch (GatewayError e) {
            return false;
        }
    }

    /** A body, or one that may come: a Content-Length above 0, or any Transfer-Encoding. */
    static boolean hasBody(MultiMap headers) {
        if (headers.contains(HttpHeaders.TRANSFER_ENCODING)) {
            return true;
        }
        String length = headers.get(HttpHeaders.CONTENT_LENGTH);
        try {
            return length != null && Long.parseLong(length.trim()) > 0;
        } catch (NumberFormatException e) {
            return true;
        }
    }

    /** The repository a registry API path names: {@code /v2/<repository>/blobs/…} and the like. */
    static Optional<String> repository(String apiPath) {
        if (!apiPath.startsWith(V2)) {
            return Optional.empty();
        }
        int end = -1;
        for (String marker : REPOSITORY_ENDS) {
            end = Math.max(end, apiPath.lastIndexOf(marker));
        }
        return end > V2.length() - 1 ? Optional.of(apiPath.substring(V2.length(), end)) : Optional.empty();
    }
}
