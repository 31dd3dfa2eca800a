package io.connectors.api.apiref;

import io.connectors.api.model.ConnectorClassSpec.ObjectRef;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The kind an {@code spec.api.ref} / {@code spec.proxy.ref} names: its API group and, when the
 * ref says so, its version. A ref without apiVersion or group gets the group of the well-known
 * kinds (Ingress, Contour's HTTPProxy, the core Service), so {@code {kind: Ingress, name: x}} works.
 */
public record RefKind(String group, String kind, Optional<String> version) {

    public static final String CORE = "";

    /** Group of a kind named without apiVersion or group. */
    private static final Map<String, String> DEFAULT_GROUPS = Map.of(
            "Service", CORE,
            "Ingress", "networking.k8s.io",
            "HTTPProxy", "projectcontour.io");

    /** Version used when a ref names a well-known group without a version (no discovery needed). */
    private static final Map<String, String> DEFAULT_VERSIONS = Map.of(
            CORE, "v1",
            "networking.k8s.io", "v1",
            "projectcontour.io", "v1",
            "serving.knative.dev", "v1",
            "eventing.knative.dev", "v1");

    /** Empty when the ref names no kind, or a kind of no known group without apiVersion or group. */
    public static Optional<RefKind> of(ObjectRef ref) {
        String kind = ref.kind() == null || ref.kind().isBlank() ? "Service" : ref.kind().trim();
        String apiVersion = ref.apiVersion() == null ? "" : ref.apiVersion().trim();
        if (!apiVersion.isEmpty()) {
            int slash = apiVersion.indexOf('/');
            return slash < 0 ? Optional.of(new RefKind(CORE, kind, Optional.of(apiVersion)))
                    : Optional.of(new RefKind(apiVersion.substring(0, slash), kind,
                            Optional.of(apiVersion.substring(slash + 1))));
        }
        String group = ref.group() == null ? "" : ref.group().trim();
        if (!group.isEmpty()) {
            return Optional.of(new RefKind(group, kind, Optional.ofNullable(DEFAULT_VERSIONS.get(group))));
        }
        String known = DEFAULT_GROUPS.get(kind);
        return known == null ? Optional.empty()
                : Optional.of(new RefKind(known, kind, Optional.ofNullable(DEFAULT_VERSIONS.get(known))));
    }

    public boolean isCoreService() {
        return CORE.equals(group) && "Service".equals(kind);
    }

    /** {@code Kind.group} (just {@code Kind} for the core group), as {@code connectors.api-refs.kinds} lists it. */
    public String qualifiedName() {
        return group.isEmpty() ? kind : kind + "." + group;
    }

    boolean isIngress() {
        return "Ingress".equals(kind) && ("networking.k8s.io".equals(group) || "extensions".equals(group));
    }

    boolean isHttpProxy() {
        return "HTTPProxy".equals(kind) && "projectcontour.io".equals(group);
    }

    /** Whether {@code entry} of {@code connectors.api-refs.kinds} ({@code Kind.group}, case-insensitive) names this kind. */
    public boolean matches(String entry) {
        return entry.trim().toLowerCase(Locale.ROOT).equals(qualifiedName().toLowerCase(Locale.ROOT));
    }
}
