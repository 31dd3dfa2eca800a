package io.connectors.api.forward;

import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.ProxyOptions;
import io.vertx.core.net.ProxyType;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.impl.ProxyFilter;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code HTTP_PROXY}/{@code HTTPS_PROXY}/{@code NO_PROXY} from the environment, which Vert.x does
 * not read by itself. {@code NO_PROXY} entries like {@code .example.com} become Vert.x wildcards.
 */
record EnvironmentProxy(ProxyOptions http, ProxyOptions https, List<String> noProxy) {

    static EnvironmentProxy fromEnvironment(Map<String, String> env) {
        return new EnvironmentProxy(parse(first(env, "HTTP_PROXY", "http_proxy")),
                parse(first(env, "HTTPS_PROXY", "https_proxy")),
                noProxy(first(env, "NO_PROXY", "no_proxy")));
    }

    void apply(HttpClientOptions options, boolean tls) {
        ProxyOptions proxy = tls ? https : http;
        if (proxy != null) {
            options.setProxyOptions(proxy);
            options.setNonProxyHosts(noProxy);
        }
    }

    /**
     * Whether a proxy carries requests to this target: one is configured for its scheme and
     * {@code NO_PROXY} does not name its host (matched as Vert.x itself matches it).
     */
    boolean applies(UpstreamTarget target) {
        ProxyOptions proxy = target.tls() ? https : http;
        return proxy != null
                && ProxyFilter.nonProxyHosts(noProxy).test(SocketAddress.inetSocketAddress(target.port(), target.host()));
    }

    private static String first(Map<String, String> env, String upper, String lower) {
        String value = env.get(upper);
        return value != null && !value.isBlank() ? value : env.get(lower);
    }

    static ProxyOptions parse(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        URI uri = URI.create(value.contains("://") ? value.trim() : "http://" + value.trim());
        ProxyOptions options = new ProxyOptions().setType(ProxyType.HTTP).setHost(uri.getHost())
                .setPort(uri.getPort() > 0 ? uri.getPort() : 80);
        if (uri.getUserInfo() != null) {
            String[] parts = uri.getUserInfo().split(":", 2);
            options.setUsername(parts[0]);
            if (parts.length > 1) {
                options.setPassword(parts[1]);
            }
        }
        return options;
    }

    static List<String> noProxy(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return Arrays.stream(value.split(","))
                .map(String::trim)
                .filter(entry -> !entry.isEmpty())
                .map(entry -> entry.startsWith(".") ? "*" + entry : entry)
                .toList();
    }
}
