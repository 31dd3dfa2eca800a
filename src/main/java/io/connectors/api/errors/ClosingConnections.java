package io.connectors.api.errors;

import io.vertx.core.http.HttpConnection;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Connections the gateway answered a malformed message on and then closes: whatever the caller
 * pipelined behind such a message (a request smuggled in a body whose length the gateway and a
 * proxy in front of it read differently) is never served. Vert.x may hand the next pipelined
 * request to the router while the refusal is still being written; the admission stage drops
 * requests of these connections.
 */
public final class ClosingConnections {

    private static final Set<HttpConnection> CLOSING = Collections.synchronizedSet(
            Collections.newSetFromMap(new WeakHashMap<>()));

    private ClosingConnections() {
    }

    public static void add(HttpConnection connection) {
        CLOSING.add(connection);
    }

    public static boolean contains(HttpConnection connection) {
        return CLOSING.contains(connection);
    }
}
