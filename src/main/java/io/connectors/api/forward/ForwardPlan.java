package io.connectors.api.forward;

import java.util.Map;
import java.util.Optional;

/**
 * Everything the forward stage needs for one request, decided by the stages before it:
 * what the upstream is (for error messages: "the tool", "the custom API of ..."), where to send it, the URI there, the headers to set (credentials or X-Plugin-*), and any extra
 * CA certificates to trust.
 */
public record ForwardPlan(String upstream, UpstreamTarget target, String requestUri, Map<String, String> headers,
        Optional<TrustBundle> trust) {

    public ForwardPlan {
        headers = Map.copyOf(headers);
    }
}
