package io.connectors.api.forward;

import io.connectors.api.apiref.AddressableUrl;
import io.connectors.api.apiref.RefKind;
import io.connectors.api.apiref.RefLookup;
import io.connectors.api.apiref.ReferencedObjects;
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
 * before (or without) whoever writes the status. The status writer uses {@link #resolve} too.
 * <p>A ref to another kind than a core Service (an Addressable, an Ingress, an HTTPProxy...) is
 * read from {@link ReferencedObjects}' informer stores, and that live answer wins over the status,
 * so that a changed address reaches the next request before the status says it.
 */
@ApplicationScoped
public class ApiAddressResolver {

    /** Where a destination ({@code spec.api} or {@code spec.proxy}) resolves to, or why it does not. */
    public record Resolution(Optional<String> url, String reason, String message) {

        static Resolution resolved(String url) {
            return new Resolution(Optional.of(url), "Resolved", null);
        }

        static Resolution unresolved(String reason, String message) {
            return new Resolution(Optional.empty(), reason, message);
        }
    }

    /** Reasons a watched object gives for having no URL, as opposed to not being read at all. */
    private static final java.util.Set<String> DEFINITE = java.util.Set.of("ReferenceNotFound", "NoAddress", "InvalidURI");

    private final String serviceScheme;
    private final String clusterDomain;
    private final String defaultNamespace;
    /** Null: refs to other kinds than core Services are not resolvable (plain unit tests). */
    private final RefLookup referenced;

    @Inject
    ApiAddressResolver(ConnectorsConfig config, ReferencedObjects referenced) {
        this(config.customApi().serviceScheme(), config.customApi().clusterDomain(), config.systemNamespace(), referenced);
    }

    /** {@code defaultNamespace}: where a Service ref without a namespace is looked for (classes are cluster-scoped). */
    public ApiAddressResolver(String serviceScheme, String clusterDomain, String defaultNamespace) {
        this(serviceScheme, clusterDomain, defaultNamespace, null);
    }

    public ApiAddressResolver(String serviceScheme, String clusterDomain, String defaultNamespace,
            RefLookup referenced) {
        this.serviceScheme = serviceScheme;
        this.clusterDomain = clusterDomain;
        this.defaultNamespace = defaultNamespace;
        this.referenced = referenced;
    }

    public Optional<String> address(ConnectorClass connectorClass) {
        ApiSpec api = connectorClass.getSpec() == null ? null : connectorClass.getSpec().api();
        if (api != null && api.ref() != null && referencesWatchedKind(api.ref())) {
            Resolution live = resolve(api.ref(), api.uri());
            // The object is read and says no (gone, no address): a status written before must not
            // keep sending requests to where it was. Otherwise (a kind not read here) a controller's
            // status.api.address.url may know better.
            if (live.url().isPresent() || DEFINITE.contains(live.reason())) {
                return live.url();
            }
        }
        if (connectorClass.getStatus() != null && connectorClass.getStatus().api() != null
                && connectorClass.getStatus().api().address() != null) {
            String url = connectorClass.getStatus().api().address().url();
            if (url != null && !url.isBlank()) {
                return Optional.of(url.trim());
            }
        }
        return connectorClass.getSpec() == null ? Optional.empty() : fromSpec(connectorClass.getSpec().api());
    }

    public Optional<String> fromSpec(ApiSpec api) {
        return api == null ? Optional.empty() : resolve(api.ref(), api.uri()).url();
    }

    /**
     * {@code uri} alone, when absolute, as is; {@code ref} to a core Service as its cluster DNS
     * name, to any other kind as the URL the object publishes ({@link AddressableUrl}), read from
     * the informer stores; {@code uri} relative to the ref's URL is joined to it.
     */
    public Resolution resolve(ObjectRef ref, String uriOrNull) {
        String uri = uriOrNull == null ? "" : uriOrNull.trim();
        if (ref == null || ref.name() == null || ref.name().isBlank()) {
            return absolute(uri).isPresent() ? Resolution.resolved(uri)
                    : Resolution.unresolved("AddressNotResolved", uri.isEmpty() ? "neither a ref nor a uri is set"
                            : "uri \"" + uri + "\" is not an absolute URL and there is no ref to resolve it against");
        }
        Optional<RefKind> kind = RefKind.of(ref);
        if (kind.isEmpty()) {
            return Resolution.unresolved("UnknownKind", "ref kind " + ref.kind()
                    + " has neither apiVersion nor group, and is not a well-known kind");
        }
        String base;
        if (kind.get().isCoreService()) {
            String namespace = ref.namespace() == null || ref.namespace().isBlank() ? defaultNamespace : ref.namespace();
            base = serviceScheme + "://" + ref.name().trim() + "." + namespace.trim() + ".svc." + clusterDomain;
        } else {
            if (referenced == null) {
                return Resolution.unresolved("KindNotAllowed", kind.get().qualifiedName() + " refs are not resolved here");
            }
            RefLookup.Lookup lookup = referenced.lookup(kind.get(), ref);
            if (lookup.object().isEmpty()) {
                return Resolution.unresolved(lookup.reason(), lookup.problem());
            }
            Optional<String> published = AddressableUrl.of(kind.get(), lookup.object().get());
            if (published.isEmpty()) {
                return Resolution.unresolved("NoAddress", kind.get().qualifiedName() + " "
                        + referenced.namespaceOf(ref) + "/" + ref.name().trim() + " publishes no address yet");
            }
            base = published.get();
        }
        return AddressableUrl.join(base, uri).map(Resolution::resolved).orElseGet(() -> Resolution.unresolved(
                "InvalidURI", "uri \"" + uri + "\" cannot be joined to " + base));
    }

    private boolean referencesWatchedKind(ObjectRef ref) {
        return referenced != null && ref.name() != null && !ref.name().isBlank()
                && RefKind.of(ref).filter(kind -> !kind.isCoreService()).isPresent();
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
