package io.connectors.api.web;

import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * No HTTP/2 over cleartext (h2c) on the plain port. With it, Vert.x answers {@code Upgrade: h2c}
 * itself before any route sees the request, so the gateway's "only WebSocket upgrades" rule does
 * not apply; and an {@code Upgrade: h2c} without {@code HTTP2-Settings} got a 400 from Vert.x
 * while the request was still forwarded to the tool, on a connection left open. HTTP/2 over TLS
 * (ALPN) is not affected.
 */
@ApplicationScoped
public class NoCleartextHttp2 implements HttpServerOptionsCustomizer {

    @Override
    public void customizeHttpServer(HttpServerOptions options) {
        options.setHttp2ClearTextEnabled(false);
    }
}
