package io.connectors.api.forward;

import java.util.Map;
import java.util.Optional;

/**
 * Everything the forward stage needs for one request, decided by the stages before it:
 * the mode ({@value #PROXY} or {@value #API}, for metrics), what the upstream is (for error messages: "the tool", "the custom API of ..."), where to send it, the URI there, the headers to set (credentials or X-Plugin-*), and any extra
 * CA certificates to trust.
 */
public record ForwardPlan(String mode, String upstream, UpstreamTarget target, String requestUri, Map<String, String> headers,
        Optional<TrustBundle> trust) {

    public static final String PROXY = "proxy";
    public static final String API = "api";
    /** Proxy mode reached through the forward proxy. */
    public static final String FORWARD = "forward";

    public ForwardPlan {
        headers = Map.copyOf(headers);
    }
}
