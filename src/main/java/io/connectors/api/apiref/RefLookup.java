package io.connectors.api.apiref;

import io.connectors.api.model.ConnectorClassSpec.ObjectRef;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.Optional;

/** Finds the object a ref names, from memory (informer stores), never from the API server. */
public interface RefLookup {

    /** What a lookup found; {@code reason} and {@code problem} say why there is no object when there is none. */
    record Lookup(Optional<GenericKubernetesResource> object, String reason, String problem) {

        public static Lookup found(GenericKubernetesResource object) {
            return new Lookup(Optional.of(object), "Resolved", null);
        }

        public static Lookup missing(String reason, String problem) {
            return new Lookup(Optional.empty(), reason, problem);
        }
    }

    Lookup lookup(RefKind kind, ObjectRef ref);

    /** The namespace a ref points into: its own, else the system namespace (classes are cluster-scoped). */
    String namespaceOf(ObjectRef ref);
}
