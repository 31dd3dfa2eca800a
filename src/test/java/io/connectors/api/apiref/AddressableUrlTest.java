package io.connectors.api.apiref;

import static org.assertj.core.api.Assertions.assertThat;

import io.connectors.api.forward.ApiAddressResolver;
import io.connectors.api.model.ConnectorClassSpec.ObjectRef;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Each kind of API reference resolved to its URL, and {@code spec.api.uri} joined to it. */
class AddressableUrlTest {

    static GenericKubernetesResource object(String apiVersion, String kind, String namespace, String name,
            Map<String, Object> fields) {
        GenericKubernetesResource object = new GenericKubernetesResource();
        object.setApiVersion(apiVersion);
        object.setKind(kind);
        object.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
        fields.forEach(object::setAdditionalProperty);
        return object;
    }

    static RefKind kind(String kind, String apiVersion) {
        return RefKind.of(new ObjectRef(kind, "x", null, apiVersion, null)).orElseThrow();
    }

    /** A lookup over a fixed set of objects, keyed namespace/name. */
    record FixedLookup(Map<String, GenericKubernetesResource> objects) implements RefLookup {
        @Override
        public Lookup lookup(RefKind kind, ObjectRef ref) {
            GenericKubernetesResource found = objects.get(namespaceOf(ref) + "/" + ref.name());
            return found != null && found.getKind().equals(kind.kind()) ? Lookup.found(found)
                    : Lookup.missing("ReferenceNotFound", kind.qualifiedName() + " " + ref.name() + " does not exist");
        }

        @Override
        public String namespaceOf(ObjectRef ref) {
            return ref.namespace() == null ? "connectors-system" : ref.namespace();
        }
    }

    @Test
    void anAddressableIsItsStatusAddressUrl() {
        GenericKubernetesResource widget = object("example.test/v1", "Widget", "ns", "w",
                Map.of("status", Map.of("address", Map.of("url", "http://127.0.0.1:8181/base"))));
        assertThat(AddressableUrl.of(kind("Widget", "example.test/v1"), widget)).contains("http://127.0.0.1:8181/base");
        GenericKubernetesResource broker = object("eventing.knative.dev/v1", "Broker", "ns", "b",
                Map.of("status", Map.of("address", Map.of("url", "http://broker-ingress.knative/ns/b"))));
        assertThat(AddressableUrl.of(kind("Broker", "eventing.knative.dev/v1"), broker))
                .contains("http://broker-ingress.knative/ns/b");
    }

    @Test
    void aKnativeServiceWithoutAnAddressIsItsStatusUrl() {
        RefKind knative = kind("Service", "serving.knative.dev/v1");
        assertThat(knative.isCoreService()).isFalse();
        GenericKubernetesResource ksvc = object("serving.knative.dev/v1", "Service", "ns", "api",
                Map.of("status", Map.of("url", "https://api.ns.example.com")));
        assertThat(AddressableUrl.of(knative, ksvc)).contains("https://api.ns.example.com");
        // the Addressable address wins over status.url
        GenericKubernetesResource both = object("serving.knative.dev/v1", "Service", "ns", "api",
                Map.of("status", Map.of("url", "https://api.ns.example.com",
                        "address", Map.of("url", "http://api.ns.svc.cluster.local"))));
        assertThat(AddressableUrl.of(knative, both)).contains("http://api.ns.svc.cluster.local");
    }

    @Test
    void anIngressIsTheHostOfItsFirstRuleHttpsWhenThatHostHasTls() {
        RefKind ingress = RefKind.of(new ObjectRef("Ingress", "x", null, null, null)).orElseThrow();
        assertThat(ingress.qualifiedName()).isEqualTo("Ingress.networking.k8s.io");
        Map<String, Object> rules = Map.of("rules", List.of(Map.of("host", "localhost"), Map.of("host", "other")));
        assertThat(AddressableUrl.of(ingress, object("networking.k8s.io/v1", "Ingress", "ns", "i", Map.of("spec", rules))))
                .contains("http://localhost");
        Map<String, Object> tls = new HashMap<>(rules);
        tls.put("tls", List.of(Map.of("hosts", List.of("other")), Map.of("hosts", List.of("localhost"))));
        assertThat(AddressableUrl.of(ingress, object("networking.k8s.io/v1", "Ingress", "ns", "i", Map.of("spec", tls))))
                .contains("https://localhost");
        Map<String, Object> tlsForAnother = new HashMap<>(rules);
        tlsForAnother.put("tls", List.of(Map.of("hosts", List.of("other"))));
        assertThat(AddressableUrl.of(ingress, object("networking.k8s.io/v1", "Ingress", "ns", "i",
                Map.of("spec", tlsForAnother)))).contains("http://localhost");
        assertThat(AddressableUrl.of(ingress, object("networking.k8s.io/v1", "Ingress", "ns", "i",
                Map.of("spec", Map.of("rules", List.of(Map.of("http", Map.of()))))))).isEmpty();
    }

    @Test
    void anHttpProxyIsItsVirtualhostFqdnHttpsWithTls() {
        RefKind proxy = RefKind.of(new ObjectRef("HTTPProxy", "x", null, null, null)).orElseThrow();
        assertThat(proxy.qualifiedName()).isEqualTo("HTTPProxy.projectcontour.io");
        assertThat(AddressableUrl.of(proxy, object("projectcontour.io/v1", "HTTPProxy", "ns", "p",
                Map.of("spec", Map.of("virtualhost", Map.of("fqdn", "localhost")))))).contains("http://localhost");
        assertThat(AddressableUrl.of(proxy, object("projectcontour.io/v1", "HTTPProxy", "ns", "p",
                Map.of("spec", Map.of("virtualhost", Map.of("fqdn", "localhost", "tls", Map.of("secretName", "t")))))))
                .contains("https://localhost");
        assertThat(AddressableUrl.of(proxy, object("projectcontour.io/v1", "HTTPProxy", "ns", "p",
                Map.of("spec", Map.of("routes", List.of()))))).isEmpty();
    }

    @Test
    void aRelativeUriIsJoinedToTheRefsUrl() {
        assertThat(AddressableUrl.join("http://127.0.0.1:8181", "/v1/git")).contains("http://127.0.0.1:8181/v1/git");
        assertThat(AddressableUrl.join("http://127.0.0.1:8181", "v1/git")).contains("http://127.0.0.1:8181/v1/git");
        assertThat(AddressableUrl.join("http://127.0.0.1:8181/base/", "v1")).contains("http://127.0.0.1:8181/base/v1");
        // RFC 3986: a relative path replaces the last segment of a base path without a trailing slash
        assertThat(AddressableUrl.join("http://127.0.0.1:8181/base", "v1")).contains("http://127.0.0.1:8181/v1");
        assertThat(AddressableUrl.join("http://127.0.0.1:8181/base", "/v1")).contains("http://127.0.0.1:8181/v1");
        assertThat(AddressableUrl.join("http://127.0.0.1:8181/base", null)).contains("http://127.0.0.1:8181/base");
        assertThat(AddressableUrl.join("http://127.0.0.1:8181/base", "")).contains("http://127.0.0.1:8181/base");
        // an absolute uri brings its path only: the ref decides where the API is
        assertThat(AddressableUrl.join("https://localhost", "http://elsewhere:9/v2?x=1")).contains("https://localhost/v2?x=1");
    }

    @Test
    void theResolverReadsEachKindThroughTheLookupAndJoinsTheUri() {
        FixedLookup lookup = new FixedLookup(Map.of(
                "ns/w", object("example.test/v1", "Widget", "ns", "w",
                        Map.of("status", Map.of("address", Map.of("url", "http://127.0.0.1:8181")))),
                "ns/i", object("networking.k8s.io/v1", "Ingress", "ns", "i",
                        Map.of("spec", Map.of("rules", List.of(Map.of("host", "localhost"))))),
                "connectors-system/p", object("projectcontour.io/v1", "HTTPProxy", "connectors-system", "p",
                        Map.of("spec", Map.of("virtualhost", Map.of("fqdn", "localhost", "tls", Map.of()))))));
        ApiAddressResolver resolver = new ApiAddressResolver("http", "cluster.local", "connectors-system", lookup);
        assertThat(resolver.resolve(new ObjectRef("Widget", "w", "ns", "example.test/v1", null), "/api").url())
                .contains("http://127.0.0.1:8181/api");
        assertThat(resolver.resolve(new ObjectRef("Ingress", "i", "ns", null, null), "api").url())
                .contains("http://localhost/api");
        assertThat(resolver.resolve(new ObjectRef("HTTPProxy", "p", null, null, null), null).url())
                .contains("https://localhost");
        assertThat(resolver.resolve(new ObjectRef("Service", "svc", "ns", "v1", null), "/x").url())
                .contains("http://svc.ns.svc.cluster.local/x");

        ApiAddressResolver.Resolution missing = resolver.resolve(new ObjectRef("Widget", "gone", "ns", "example.test/v1", null), null);
        assertThat(missing.url()).isEmpty();
        assertThat(missing.reason()).isEqualTo("ReferenceNotFound");
        ApiAddressResolver.Resolution unknown = resolver.resolve(new ObjectRef("Widget", "w", "ns", null, null), null);
        assertThat(unknown.reason()).isEqualTo("UnknownKind");
        ApiAddressResolver.Resolution noAddress = resolver.resolve(new ObjectRef("Ingress", "w", "ns", null, null), null);
        assertThat(noAddress.reason()).isEqualTo("ReferenceNotFound");
    }

    @Test
    void anObjectWithoutAnAddressIsNotResolvedAndSaysSo() {
        FixedLookup lookup = new FixedLookup(Map.of("ns/w", object("example.test/v1", "Widget", "ns", "w",
                Map.of("status", Map.of("address", Map.of())))));
        ApiAddressResolver.Resolution resolution = new ApiAddressResolver("http", "cluster.local", "connectors-system",
                lookup).resolve(new ObjectRef("Widget", "w", "ns", "example.test/v1", null), null);
        assertThat(resolution.url()).isEqualTo(Optional.empty());
        assertThat(resolution.reason()).isEqualTo("NoAddress");
        assertThat(resolution.message()).contains("Widget.example.test ns/w publishes no address");
    }

    @Test
    void listedKindsMatchKindDotGroup() {
        assertThat(kind("Widget", "example.test/v1").matches(" widget.EXAMPLE.test ")).isTrue();
        assertThat(kind("Widget", "example.test/v1").matches("Widget.other.test")).isFalse();
        assertThat(RefKind.of(new ObjectRef("Widget", "x", null, null, "example.test")).orElseThrow().version()).isEmpty();
        assertThat(RefKind.of(new ObjectRef("Service", "x", null, null, "serving.knative.dev")).orElseThrow().version())
                .contains("v1");
    }
}
