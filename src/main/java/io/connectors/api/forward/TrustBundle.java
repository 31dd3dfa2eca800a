package io.connectors.api.forward;

import java.util.List;

/**
 * Extra CA certificates (PEM) to trust for one upstream, on top of the system trust store.
 * {@code key} names the Secrets and versions they came from, so clients can be cached by it.
 */
public record TrustBundle(String key, List<String> pems) {

    public TrustBundle {
        pems = List.copyOf(pems);
    }
}
