package io.connectors.api.apiref;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The URL an addressable object publishes, read from the object alone (no lookup):
 * <ul>
 * <li>{@code status.address.url}: the Knative Addressable duck type (Knative Services, Brokers, any CRD);</li>
 * <li>an Ingress: the host of its first rule, {@code https} when that host is in one of its {@code spec.tls[].hosts};</li>
 * <li>a Contour HTTPProxy: {@code spec.virtualhost.fqdn}, {@code https} when {@code spec.virtualhost.tls} is set;</li>
 * <li>{@code status.url} (a Knative Serving Service without an address).</li>
 * </ul>
 */
public final class AddressableUrl {

    private AddressableUrl() {
    }

    public static Optional<String> of(RefKind kind, GenericKubernetesResource object) {
        Optional<String> address = text(object, "status", "address", "url").filter(AddressableUrl::isAbsolute);
        if (address.isPresent()) {
            return address;
        }
        if (kind.isIngress()) {
            return ingress(object);
        }
        if (kind.isHttpProxy()) {
            return httpProxy(object);
        }
        return text(object, "status", "url").filter(AddressableUrl::isAbsolute);
    }

    private static Optional<String> ingress(GenericKubernetesResource ingress) {
        Object rules = path(ingress, "spec", "rules");
        if (!(rules instanceof List<?> list) || list.isEmpty() || !(list.get(0) instanceof Map<?, ?> first)
                || !(first.get("host") instanceof String host) || host.isBlank()) {
            return Optional.empty();
        }
        boolean tls = false;
        if (path(ingress, "spec", "tls") instanceof List<?> entries) {
            for (Object entry : entries) {
                if (entry instanceof Map<?, ?> map && map.get("hosts") instanceof List<?> hosts && hosts.contains(host)) {
                    tls = true;
                }
            }
        }
        return Optional.of((tls ? "https://" : "http://") + host.trim());
    }

    private static Optional<String> httpProxy(GenericKubernetesResource proxy) {
        return text(proxy, "spec", "virtualhost", "fqdn").map(fqdn -> {
            boolean tls = path(proxy, "spec", "virtualhost", "tls") instanceof Map<?, ?>;
            return (tls ? "https://" : "http://") + fqdn;
        });
    }

    /**
     * {@code uri} relative to {@code base}, as the upstream Destination resolves it (RFC 3986
     * reference resolution; an empty base path counts as "/"). An absolute {@code uri} contributes
     * its path (and query), so a ref keeps deciding the host. Empty when the result is not an absolute URL.
     */
    public static Optional<String> join(String base, String uri) {
        String reference = uri == null ? "" : uri.trim();
        if (reference.isEmpty()) {
            return Optional.of(base);
        }
        try {
            URI baseUri = new URI(base);
            URI ref = new URI(reference);
            if (ref.isAbsolute()) {
                String path = ref.getRawPath() == null ? "" : ref.getRawPath();
                String query = ref.getRawQuery() == null ? "" : "?" + ref.getRawQuery();
                if (path.isEmpty() && query.isEmpty()) {
                    return Optional.of(base);
                }
                ref = new URI((path.isEmpty() ? "/" : path) + query);
            }
            if (baseUri.getRawPath() == null || baseUri.getRawPath().isEmpty()) {
                baseUri = new URI(base + "/");
            }
            URI joined = baseUri.resolve(ref);
            return joined.isAbsolute() && joined.getHost() != null ? Optional.of(joined.toString()) : Optional.empty();
        } catch (URISyntaxException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static boolean isAbsolute(String url) {
        try {
            URI parsed = new URI(url);
            return parsed.isAbsolute() && parsed.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static Optional<String> text(GenericKubernetesResource object, String... keys) {
        return path(object, keys) instanceof String value && !value.isBlank() ? Optional.of(value.trim()) : Optional.empty();
    }

    private static Object path(GenericKubernetesResource object, String... keys) {
        Object current = object.getAdditionalProperties().get(keys[0]);
        for (int i = 1; i < keys.length; i++) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(keys[i]);
        }
        return current;
    }
}
