package io.connectors.api.status;

import io.connectors.api.apiref.ApiSpecState;
import io.connectors.api.apiref.ApiSpecs;
import io.connectors.api.forward.ApiAddressResolver;
import io.connectors.api.model.Condition;
import io.connectors.api.model.Connector;
import io.connectors.api.model.ConnectorClass;
import io.connectors.api.model.ConnectorClassSpec;
import io.connectors.api.model.ConnectorClassStatus;
import io.connectors.api.model.ConnectorStatus;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the status writer wants the status fields it owns to say (spec §10), as JSON merge
 * patches, or nothing when they already say it: writing only differences is what keeps two
 * writers, or a writer and its own watch, from looping.
 */
final class DesiredStatus {

    static final String API_READY = "APIReady";
    static final String API_SPEC_RESOLVED = "APISpecResolved";
    static final String PROXY_SERVICE_READY = "ProxyServiceReady";

    private final ApiAddressResolver addresses;
    private final Clock clock;
    /** {@code connectors.public-url}: the base of the Connectors' proxy addresses. */
    private final Optional<String> publicUrl;

    DesiredStatus(ApiAddressResolver addresses, Clock clock) {
        this(addresses, clock, Optional.empty());
    }

    DesiredStatus(ApiAddressResolver addresses, Clock clock, Optional<String> publicUrl) {
        this.addresses = addresses;
        this.clock = clock;
        this.publicUrl = publicUrl;
    }

    /** {@code status.api.path} of a Connector, when it is not already right (no public URL: proxy fields not owned). */
    Optional<Map<String, Object>> forConnector(Connector connector) {
        return forConnector(connector, Optional.empty());
    }

    /**
     * {@code status.api.path} of a Connector and, when {@code connectors.public-url} is set,
     * {@code status.proxy.httpAddress.url} and the ProxyServiceReady condition, when any is not right.
     * The proxy address is the upstream's path form on this gateway; as upstream, a class without
     * {@code spec.proxy} leaves it empty with ProxyServiceReady True/NonProxy (the path form still
     * serves the Connector: it is its Connectors API spelt another way). Without a public URL the
     * writer does not own those fields: it cannot know how callers reach the gateway, and another
     * controller may be writing them.
     */
    Optional<Map<String, Object>> forConnector(Connector connector, Optional<ConnectorClass> connectorClass) {
        String namespace = connector.getMetadata().getNamespace();
        String name = connector.getMetadata().getName();
        String path = Connector.apiPath(namespace, name);
        ConnectorStatus status = connector.getStatus();
        String current = status == null || status.api() == null ? null : status.api().path();
        Map<String, Object> patch = new LinkedHashMap<>();
        if (!path.equals(current)) {
            patch.put("api", Map.of("path", path));
        }
        publicUrl.ifPresent(base -> proxyFields(base, namespace, name, connector, connectorClass, status, patch));
        return patch.isEmpty() ? Optional.empty() : Optional.of(Map.of("status", patch));
    }

    private void proxyFields(String base, String namespace, String name, Connector connector,
            Optional<ConnectorClass> connectorClass, ConnectorStatus status, Map<String, Object> patch) {
        String className = connector.getSpec() == null ? null : connector.getSpec().connectorClassName();
        String url = null;
        Condition wanted;
        if (connectorClass.isEmpty()) {
            wanted = condition(PROXY_SERVICE_READY, "False", "ConnectorClassNotFound",
                    "connectorclass '" + className + "' not found");
        } else if (!declaresProxy(connectorClass.get().getSpec())) {
            wanted = condition(PROXY_SERVICE_READY, "True", "NonProxy", "the class declares no proxy");
        } else {
            url = base + Connector.proxyPath(namespace, name);
            wanted = condition(PROXY_SERVICE_READY, "True", "Served", "served by connectors-api at " + url);
        }
        String currentUrl = status == null || status.proxy() == null || status.proxy().httpAddress() == null ? null
                : status.proxy().httpAddress().url();
        boolean urlRight = Objects.equals(currentUrl, url) && (url != null || status == null || status.proxy() == null);
        List<Condition> conditions = status == null || status.conditions() == null ? List.of() : status.conditions();
        Optional<Condition> currentCondition = find(conditions, PROXY_SERVICE_READY);
        boolean conditionRight = currentCondition.isPresent() && sameState(currentCondition.get(), wanted);
        if (urlRight && conditionRight) {
            return;
        }
        if (url == null) {
            // As upstream: no proxy, no status.proxy at all (a merge patch's null removes it).
            patch.put("proxy", null);
        } else {
            patch.put("proxy", Map.of("httpAddress", Map.of("url", url)));
        }
        List<Map<String, Object>> merged = new ArrayList<>();
        for (Condition condition : conditions) {
            if (!PROXY_SERVICE_READY.equals(condition.type())) {
                merged.add(asMap(condition));
            }
        }
        merged.add(asMap(keepTransitionTime(currentCondition, wanted)));
        patch.put("conditions", merged);
    }

    private static boolean declaresProxy(ConnectorClassSpec classSpec) {
        return classSpec != null && classSpec.proxy() != null
                && (classSpec.proxy().ref() != null || classSpec.proxy().uri() != null);
    }

    /** {@code status.api.address.url} and the APIReady condition of a class, when either is not right. */
    Optional<Map<String, Object>> forClass(ConnectorClass connectorClass, Optional<String> openApiProblem) {
        return forClass(connectorClass, openApiProblem, Optional.empty());
    }

    /**
     * {@code status.api.address.url}, {@code status.proxy.httpAddress.url}, APIReady and (for a
     * class API that publishes its own OpenAPI, {@code spec}) APISpecResolved, when any is not right.
     */
    Optional<Map<String, Object>> forClass(ConnectorClass connectorClass, Optional<String> openApiProblem,
            Optional<ApiSpecState> spec) {
        String name = connectorClass.getMetadata().getName();
        ConnectorClassSpec classSpec = connectorClass.getSpec();
        boolean declaresApi = classSpec != null && classSpec.api() != null;
        ApiAddressResolver.Resolution api = declaresApi ? addresses.resolve(classSpec.api().ref(), classSpec.api().uri())
                : null;
        Optional<String> url = declaresApi ? api.url() : Optional.empty();
        Condition wanted;
        if (!declaresApi) {
            wanted = condition(API_READY, "True", "NonAPI", "the class declares no custom API");
        } else if (url.isEmpty()) {
            wanted = condition(API_READY, "False", api.reason(), "api address of connectorclass '" + name
                    + "' is not resolved" + (api.message() == null ? "" : ": " + api.message()));
        } else if (openApiProblem.isPresent()) {
            wanted = condition(API_READY, "False", "InvalidOpenAPI", openApiProblem.get());
        } else {
            wanted = condition(API_READY, "True", "Resolved", "the custom API is at " + url.get());
        }
        boolean declaresProxy = declaresProxy(classSpec);
        Optional<String> proxyUrl = declaresProxy
                ? addresses.resolve(classSpec.proxy().ref(), classSpec.proxy().uri()).url() : Optional.empty();
        Optional<Condition> specCondition = ApiSpecs.specPath(connectorClass)
                .map(path -> specCondition(path, spec.orElse(ApiSpecState.NONE)));

        ConnectorClassStatus status = connectorClass.getStatus();
        String currentUrl = status == null || status.api() == null || status.api().address() == null ? null
                : status.api().address().url();
        String currentProxyUrl = status == null || status.proxy() == null || status.proxy().httpAddress() == null ? null
                : status.proxy().httpAddress().url();
        List<Condition> conditions = status == null || status.conditions() == null ? List.of() : status.conditions();
        Optional<Condition> current = find(conditions, API_READY);
        Optional<Condition> currentSpec = find(conditions, API_SPEC_RESOLVED);
        boolean conditionRight = current.isPresent() && sameState(current.get(), wanted);
        boolean specRight = specCondition.isEmpty() ? currentSpec.isEmpty()
                : currentSpec.isPresent() && sameState(currentSpec.get(), specCondition.get());
        boolean proxyRight = Objects.equals(currentProxyUrl, proxyUrl.orElse(null));
        if (Objects.equals(currentUrl, url.orElse(null)) && conditionRight && specRight && proxyRight) {
            return Optional.empty();
        }
        List<Map<String, Object>> merged = new ArrayList<>();
        for (Condition condition : conditions) {
            if (!API_READY.equals(condition.type()) && !API_SPEC_RESOLVED.equals(condition.type())) {
                merged.add(asMap(condition));
            }
        }
        merged.add(asMap(keepTransitionTime(current, wanted)));
        specCondition.ifPresent(c -> merged.add(asMap(keepTransitionTime(currentSpec, c))));
        Map<String, Object> address = new LinkedHashMap<>();
        address.put("url", url.orElse(null));
        Map<String, Object> statusPatch = new LinkedHashMap<>();
        statusPatch.put("api", Map.of("address", address));
        if (!proxyRight) {
            Map<String, Object> proxyAddress = new LinkedHashMap<>();
            proxyAddress.put("url", proxyUrl.orElse(null));
            statusPatch.put("proxy", Map.of("httpAddress", proxyAddress));
        }
        statusPatch.put("conditions", merged);
        return Optional.of(Map.of("status", statusPatch));
    }

    /** The document's SHA-256 and when it last changed, or why it could not be fetched (the last good one stays in use). */
    private Condition specCondition(String path, ApiSpecState spec) {
        String document = spec.document().isEmpty() ? null : "sha256:" + spec.sha256() + ", last changed "
                + spec.changedAt() + ", from " + spec.url();
        if (spec.error().isPresent()) {
            return condition(API_SPEC_RESOLVED, "False", "FetchFailed", "fetching " + path + " failed: "
                    + spec.error().get() + (document == null ? "" : "; still using the document " + document));
        }
        if (document == null) {
            return condition(API_SPEC_RESOLVED, "Unknown", "Pending", "fetching " + path + " from the class API");
        }
        return condition(API_SPEC_RESOLVED, "True", "Fetched", document);
    }

    /** A condition whose status did not change keeps its lastTransitionTime. */
    private static Condition keepTransitionTime(Optional<Condition> current, Condition wanted) {
        if (current.isPresent() && sameState(current.get(), wanted)) {
            return current.get();
        }
        return current.filter(c -> Objects.equals(c.status(), wanted.status()))
                .map(c -> new Condition(wanted.type(), wanted.status(), wanted.reason(), wanted.message(),
                        c.lastTransitionTime(), null))
                .orElse(wanted);
    }

    private static Optional<Condition> find(List<Condition> conditions, String type) {
        return conditions.stream().filter(c -> type.equals(c.type())).findFirst();
    }

    private Condition condition(String type, String status, String reason, String message) {
        return new Condition(type, status, reason, message, clock.instant().toString(), null);
    }

    private static boolean sameState(Condition a, Condition b) {
        return Objects.equals(a.status(), b.status()) && Objects.equals(a.reason(), b.reason())
                && Objects.equals(a.message(), b.message());
    }

    private static Map<String, Object> asMap(Condition condition) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("type", condition.type());
        map.put("status", condition.status());
        putIfPresent(map, "reason", condition.reason());
        putIfPresent(map, "message", condition.message());
        putIfPresent(map, "lastTransitionTime", condition.lastTransitionTime());
        putIfPresent(map, "severity", condition.severity());
        return map;
    }

    private static void putIfPresent(Map<String, Object> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
