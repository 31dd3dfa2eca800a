package io.connectors.api.forwardproxy;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.HttpServerRequestInternal;
import io.vertx.core.http.impl.HttpServerRequestWrapper;

/**
 * A {@code CONNECT host:port} request as Vert.x Web's router takes it: the router refuses (404)
 * any request whose path does not start with "/", and a CONNECT's target is an authority, not a
 * path. Its path reads "/" (what the access log shows); {@link #uri()} is still the authority.
 */
final class ConnectRequest extends HttpServerRequestWrapper {

    private ConnectRequest(HttpServerRequestInternal delegate) {
        super(delegate);
    }

    static HttpServerRequest routable(HttpServerRequest request) {
        return request instanceof HttpServerRequestInternal internal ? new ConnectRequest(internal) : request;
    }

    @Override
    public String path() {
        return "/";
    }
}
