package io.connectors.api.forward;

import io.connectors.api.config.ConnectorsConfig;
import io.connectors.api.model.ConnectorClass;
import io.connectors.api.model.ConnectorClassSpec.ApiSpec;
import io.connectors.api.model.ConnectorClassSpec.ObjectRef;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;

/**
 * Where a ConnectorClass's custom API lives (spec §6): {@code status.api.address.url} when a
 * controller has resolved it, else {@code spec.api} resolved here, so that the gateway works
 * before (or without) whoever writes the status. The status writer uses {@link #fromSpec} too.
 */
@ApplicationScoped
public class ApiAddressResolver {

    private static final String SERVICE = "Service";

    private final String serviceScheme;
    private final String clusterDomain;
    private final String defaultNamespace;

    @Inject
    ApiAddressResolver(ConnectorsConfig config) {
        this(config.customApi().serviceScheme(), config.customApi().clusterDomain(), config.systemNamespace());
    }

    /** {@code defaultNamespace}: where a Service ref without a namespace is looked for (classes are cluster-scoped). */
    public ApiAddressResolver(String serviceScheme, String clusterDomain, String defaultNamespace) {
        this.serviceScheme = serviceScheme;
        this.clusterDomain = clusterDomain;
        this.defaultNamespace = defaultNamespace;
    }

    public Optional<String> address(ConnectorClass connectorClass) {
        if (connectorClass.getStatus() != null && connectorClass.getStatus().api() != null
                && connectorClass.getStatus().api().address() != null) {
            String url = connectorClass.getStatus().api().address().url();
            if (url != null && !url.isBlank()) {
                return Optional.of(url.trim());
            }
        }
        return connectorClass.getSpec() == null ? Optional.empty() : fromSpec(connectorClass.getSpec().api());
    }

    /**
     * {@code uri} alone, when absolute, as is; {@code ref} to a Service as its cluster DNS name, with
     * {@code uri} as the path when both are given. Anything else (a ref to another kind, a relative
     * uri alone) is not resolvable here.
     */
    public Optional<String> fromSpec(ApiSpec api) {
        if (api == null) {
            return Optional.empty();
        }
        String uri = api.uri() == null ? "" : api.uri().trim();
        ObjectRef ref = api.ref();
        if (ref != null && ref.name() != null && !ref.name().isBlank()) {
            if (ref.kind() != null && !ref.kind().isBlank() && !SERVICE.equals(ref.kind())) {
                return Optional.empty();
            }
            String namespace = ref.namespace() == null || ref.namespace().isBlank() ? defaultNamespace : ref.namespace();
            return pathOf(uri).map(path -> serviceScheme + "://" + ref.name().trim() + "." + namespace.trim() + ".svc."
                    + clusterDomain + path);
        }
        return absolute(uri).isPresent() ? Optional.of(uri) : Optional.empty();
    }

    /** The path part of {@code uri} for a Service ref: "" when none, always starting with "/" otherwise. */
    private static Optional<String> pathOf(String uri) {
        if (uri.isEmpty()) {
            return Optional.of("");
        }
        Optional<URI> absolute = absolute(uri);
        if (absolute.isPresent()) {
            return Optional.of(absolute.get().getRawPath() == null ? "" : absolute.get().getRawPath());
        }
        return Optional.of(uri.startsWith("/") ? uri : "/" + uri);
    }

    private static Optional<URI> absolute(String uri) {
        try {
            URI parsed = new URI(uri);
            return parsed.isAbsolute() && parsed.getHost() != null ? Optional.of(parsed) : Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }
}
