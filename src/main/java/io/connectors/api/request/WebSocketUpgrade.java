package io.connectors.api.request;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.util.Locale;

/**
 * Whether a request asks for a WebSocket, the one upgrade the gateway tunnels. One rule for the
 * stages that care: admission (any other upgrade is refused), authorisation (an upgrade opens a
 * channel that can write, so it is a write) and forwarding (it is tunnelled, not proxied).
 */
public final class WebSocketUpgrade {

    private WebSocketUpgrade() {
    }

    public static boolean isRequested(HttpServerRequest request) {
        String upgrade = request.getHeader(HttpHeaders.UPGRADE);
        return upgrade != null && upgrade.trim().toLowerCase(Locale.ROOT).equals("websocket");
    }
}
