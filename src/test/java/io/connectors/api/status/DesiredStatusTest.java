package io.connectors.api.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.connectors.api.apiref.ApiSpecState;
import io.connectors.api.forward.ApiAddressResolver;
import io.connectors.api.model.Condition;
import io.connectors.api.model.Connector;
import io.connectors.api.model.ConnectorClass;
import io.connectors.api.model.ConnectorClassSpec;
import io.connectors.api.model.ConnectorClassStatus;
import io.connectors.api.model.ConnectorStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DesiredStatusTest {

    private final DesiredStatus desired = new DesiredStatus(new ApiAddressResolver("http", "cluster.local", "connectors-system"),
            Clock.fixed(Instant.parse("2026-11-23T00:00:00Z"), ZoneOffset.UTC));

    private static ConnectorClass cls(ConnectorClassSpec.ApiSpec api, ConnectorClassStatus status) {
        ConnectorClass cls = new ConnectorClass();
        cls.setMetadata(new ObjectMetaBuilder().withName("git").build());
        cls.setSpec(new ConnectorClassSpec(null, null, null, null, api));
        cls.setStatus(status);
        return cls;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> statusOf(Optional<Map<String, Object>> patch) {
        return (Map<String, Object>) patch.orElseThrow().get("status");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> apiReady(Map<String, Object> status) {
        return ((List<Map<String, Object>>) status.get("conditions")).stream()
                .filter(c -> "APIReady".equals(c.get("type"))).findFirst().orElseThrow();
    }

    @Test
    void connectorPathIsWrittenOnceThenLeftAlone() {
        Connector connector = new Connector();
        connector.setMetadata(new ObjectMetaBuilder().withNamespace("ns").withName("gitlab").build());
        assertThat(desired.forConnector(connector)).contains(
                Map.of("status", Map.of("api", Map.of("path", "/connectors/v1alpha1/ns/gitlab/path"))));
        connector.setStatus(new ConnectorStatus(new ConnectorStatus.ApiPath("/connectors/v1alpha1/ns/gitlab/path"), null, null));
        assertThat(desired.forConnector(connector)).isEmpty();
    }

    private final DesiredStatus withPublicUrl = new DesiredStatus(new ApiAddressResolver("http", "cluster.local",
            "connectors-system"), Clock.fixed(Instant.parse("2026-12-08T00:00:00Z"), ZoneOffset.UTC),
            Optional.of("https://gw.example:8443/prefix"));

    private static Connector connectorOf(String className, ConnectorStatus status) {
        Connector connector = new Connector();
        connector.setMetadata(new ObjectMetaBuilder().withNamespace("team-a").withName("git").build());
        connector.setSpec(new io.connectors.api.model.ConnectorSpec(className, "http://git.example", null, null, null, null));
        connector.setStatus(status);
        return connector;
    }

    private static ConnectorClass proxyClass(boolean declaresProxy) {
        ConnectorClass cls = new ConnectorClass();
        cls.setMetadata(new ObjectMetaBuilder().withName("git").build());
        cls.setSpec(new ConnectorClassSpec(null, null, null, declaresProxy ? new ConnectorClassSpec.Destination(
                new ConnectorClassSpec.ObjectRef("Service", "connectors-proxy-service", "connectors-system", null, null),
                null) : null, null));
        return cls;
    }

    @Test
    void aClassWithAProxyGetsTheGatewaysPathFormAsProxyAddressThenIsLeftAlone() {
        Map<String, Object> status = statusOf(withPublicUrl.forConnector(connectorOf("git", null),
                Optional.of(proxyClass(true))));
        String url = "https://gw.example:8443/prefix/namespaces/team-a/connectors/git";
        assertThat(status.get("proxy")).isEqualTo(Map.of("httpAddress", Map.of("url", url)));
        assertThat(condition(status, "ProxyServiceReady")).containsEntry("status", "True")
                .containsEntry("reason", "Served").containsEntry("lastTransitionTime", "2026-12-08T00:00:00Z");

        ConnectorStatus written = new ConnectorStatus(new ConnectorStatus.ApiPath("/connectors/v1alpha1/team-a/git/path"),
                new ConnectorClassStatus.Proxy(new ConnectorClassStatus.Address(null, url)),
                List.of(new Condition("Ready", "True", null, null, "t0", null),
                        new Condition("ProxyServiceReady", "True", "Served", "served by connectors-api at " + url, "t1",
                                null)));
        assertThat(withPublicUrl.forConnector(connectorOf("git", written), Optional.of(proxyClass(true)))).isEmpty();
    }

    @Test
    void aClassWithoutAProxyIsNonProxyAndAnAddressLeftOverIsRemoved() {
        Map<String, Object> status = statusOf(withPublicUrl.forConnector(connectorOf("git", null),
                Optional.of(proxyClass(false))));
        assertThat(status).containsKey("proxy");
        assertThat(status.get("proxy")).isNull();
        assertThat(condition(status, "ProxyServiceReady")).containsEntry("status", "True")
                .containsEntry("reason", "NonProxy");

        // The class lost its spec.proxy: the old address goes, the other conditions stay, the time of True stays.
        ConnectorStatus stale = new ConnectorStatus(new ConnectorStatus.ApiPath("/connectors/v1alpha1/team-a/git/path"),
                new ConnectorClassStatus.Proxy(new ConnectorClassStatus.Address(null, "https://old/x")),
                List.of(new Condition("Ready", "True", null, null, "t0", null),
                        new Condition("ProxyServiceReady", "True", "Served", "served by connectors-api at https://old/x",
                                "t1", null)));
        Map<String, Object> changed = statusOf(withPublicUrl.forConnector(connectorOf("git", stale),
                Optional.of(proxyClass(false))));
        assertThat(changed).doesNotContainKey("api");
        assertThat(changed.get("proxy")).isNull();
        assertThat(condition(changed, "Ready")).containsEntry("lastTransitionTime", "t0");
        assertThat(condition(changed, "ProxyServiceReady")).containsEntry("reason", "NonProxy")
                .containsEntry("lastTransitionTime", "t1");

        ConnectorStatus settled = new ConnectorStatus(stale.api(), null, List.of(
                new Condition("ProxyServiceReady", "True", "NonProxy", "the class declares no proxy", "t1", null)));
        assertThat(withPublicUrl.forConnector(connectorOf("git", settled), Optional.of(proxyClass(false)))).isEmpty();
    }

    @Test
    void aMissingClassIsNotReadyAndHasNoAddress() {
        Map<String, Object> status = statusOf(withPublicUrl.forConnector(connectorOf("ghost", null), Optional.empty()));
        assertThat(status.get("proxy")).isNull();
        assertThat(condition(status, "ProxyServiceReady")).containsEntry("status", "False")
                .containsEntry("reason", "ConnectorClassNotFound");
    }

    @Test
    void withoutAPublicUrlTheProxyFieldsAreNotOwned() {
        ConnectorStatus someoneElses = new ConnectorStatus(new ConnectorStatus.ApiPath("/connectors/v1alpha1/team-a/git/path"),
                new ConnectorClassStatus.Proxy(new ConnectorClassStatus.Address(null, "http://c-git.team-a.svc")),
                List.of(new Condition("ProxyServiceReady", "True", null, null, "t1", null)));
        assertThat(desired.forConnector(connectorOf("git", someoneElses), Optional.of(proxyClass(true)))).isEmpty();
        assertThat(desired.forConnector(connectorOf("git", null), Optional.of(proxyClass(true)))).contains(
                Map.of("status", Map.of("api", Map.of("path", "/connectors/v1alpha1/team-a/git/path"))));
    }

    @Test
    void classWithoutApiIsNonApi() {
        Map<String, Object> status = statusOf(desired.forClass(cls(null, null), Optional.empty()));
        assertThat(apiReady(status)).containsEntry("status", "True").containsEntry("reason", "NonAPI");
    }

    @Test
    void serviceRefResolvesAndIsThenStable() {
        ConnectorClassSpec.ApiSpec api = new ConnectorClassSpec.ApiSpec(
                new ConnectorClassSpec.ObjectRef("Service", "git-api", "tools", null, null), null,
                JsonNodeFactory.instance.objectNode());
        Map<String, Object> status = statusOf(desired.forClass(cls(api, null), Optional.empty()));
        assertThat(status.get("api")).isEqualTo(Map.of("address",
                Map.of("url", "http://git-api.tools.svc.cluster.local")));
        assertThat(apiReady(status)).containsEntry("status", "True").containsEntry("reason", "Resolved");

        ConnectorClassStatus written = new ConnectorClassStatus(
                new ConnectorClassStatus.Api(new ConnectorClassStatus.Address(null, "http://git-api.tools.svc.cluster.local")),
                null, List.of(new Condition("Ready", "True", null, null, "t0", null),
                        new Condition("APIReady", "True", "Resolved",
                                "the custom API is at http://git-api.tools.svc.cluster.local", "t1", null)));
        assertThat(desired.forClass(cls(api, written), Optional.empty())).isEmpty();
    }

    @Test
    void unresolvedAndInvalidOpenApiAreNotReadyAndOtherConditionsSurvive() {
        ConnectorClassSpec.ApiSpec unresolved = new ConnectorClassSpec.ApiSpec(null, "relative/path", null);
        ConnectorClassStatus previous = new ConnectorClassStatus(null, null,
                List.of(new Condition("Ready", "True", "Probed", null, "t0", null)));
        Map<String, Object> status = statusOf(desired.forClass(cls(unresolved, previous), Optional.empty()));
        assertThat(apiReady(status)).containsEntry("status", "False").containsEntry("reason", "AddressNotResolved")
                .containsEntry("message", "api address of connectorclass 'git' is not resolved: uri \"relative/path\""
                        + " is not an absolute URL and there is no ref to resolve it against");
        assertThat(status.get("conditions").toString()).contains("Ready").contains("Probed");

        ConnectorClassSpec.ApiSpec resolvable = new ConnectorClassSpec.ApiSpec(null, "http://api.example", null);
        assertThat(apiReady(statusOf(desired.forClass(cls(resolvable, null), Optional.of("paths is not an object")))))
                .containsEntry("status", "False").containsEntry("reason", "InvalidOpenAPI");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> condition(Map<String, Object> status, String type) {
        return ((List<Map<String, Object>>) status.get("conditions")).stream()
                .filter(c -> type.equals(c.get("type"))).findFirst().orElseThrow();
    }

    private static ConnectorClass annotated(ConnectorClassStatus status) {
        ConnectorClass cls = cls(new ConnectorClassSpec.ApiSpec(null, "http://127.0.0.1:8181", null), status);
        cls.getMetadata().setAnnotations(Map.of("connectors.alauda.io/api-spec-path", "/openapi.json"));
        return cls;
    }

    @Test
    void aSelfRegisteredDocumentShowsItsHashAndWhenItChangedAndAFailureKeepsIt() {
        ApiSpecState pending = ApiSpecState.NONE;
        assertThat(condition(statusOf(desired.forClass(annotated(null), Optional.empty(), Optional.of(pending))),
                "APISpecResolved")).containsEntry("status", "Unknown").containsEntry("reason", "Pending");

        ApiSpecState fetched = new ApiSpecState("http://127.0.0.1:8181/openapi.json",
                Optional.of(JsonNodeFactory.instance.objectNode()), "ab12", "\"ab12\"", Instant.parse("2026-11-29T10:00:00Z"),
                Optional.empty(), Instant.parse("2026-11-29T10:00:00Z"));
        Map<String, Object> status = statusOf(desired.forClass(annotated(null), Optional.empty(), Optional.of(fetched)));
        assertThat(condition(status, "APISpecResolved")).containsEntry("status", "True").containsEntry("reason", "Fetched")
                .containsEntry("message", "sha256:ab12, last changed 2026-11-29T10:00:00Z, from http://127.0.0.1:8181/openapi.json");
        assertThat(condition(status, "APIReady")).containsEntry("status", "True");

        ApiSpecState failed = new ApiSpecState(fetched.url(), fetched.document(), "ab12", "\"ab12\"", fetched.changedAt(),
                Optional.of("HTTP 500 from http://127.0.0.1:8181/openapi.json"), Instant.parse("2026-11-29T10:05:00Z"));
        assertThat(condition(statusOf(desired.forClass(annotated(null), Optional.empty(), Optional.of(failed))),
                "APISpecResolved")).containsEntry("status", "False").containsEntry("reason", "FetchFailed")
                .containsEntry("message", "fetching /openapi.json failed: HTTP 500 from http://127.0.0.1:8181/openapi.json;"
                        + " still using the document sha256:ab12, last changed 2026-11-29T10:00:00Z,"
                        + " from http://127.0.0.1:8181/openapi.json");

        // written once, then left alone; without the annotation the condition goes
        ConnectorClassStatus written = new ConnectorClassStatus(new ConnectorClassStatus.Api(
                new ConnectorClassStatus.Address(null, "http://127.0.0.1:8181")), null, List.of(
                new Condition("APIReady", "True", "Resolved", "the custom API is at http://127.0.0.1:8181", "t", null),
                new Condition("APISpecResolved", "True", "Fetched", "sha256:ab12, last changed 2026-11-29T10:00:00Z,"
                        + " from http://127.0.0.1:8181/openapi.json", "t", null)));
        assertThat(desired.forClass(annotated(written), Optional.empty(), Optional.of(fetched))).isEmpty();
        ConnectorClass notAnnotated = annotated(written);
        notAnnotated.getMetadata().setAnnotations(null);
        Map<String, Object> without = statusOf(desired.forClass(notAnnotated, Optional.empty(), Optional.empty()));
        assertThat(without.get("conditions").toString()).doesNotContain("APISpecResolved");
    }

    @Test
    void theProxyDestinationIsResolvedToo() {
        ConnectorClass cls = new ConnectorClass();
        cls.setMetadata(new ObjectMetaBuilder().withName("git").build());
        cls.setSpec(new ConnectorClassSpec(null, null, null, new ConnectorClassSpec.Destination(
                new ConnectorClassSpec.ObjectRef("Service", "proxy", "tools", null, null), "/p"), null));
        Map<String, Object> status = statusOf(desired.forClass(cls, Optional.empty()));
        assertThat(status.get("proxy")).isEqualTo(Map.of("httpAddress", Map.of("url", "http://proxy.tools.svc.cluster.local/p")));
    }
}
