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

    private final ApiAddressResolver addresses;
    private final Clock clock;

    DesiredStatus(ApiAddressResolver addresses, Clock clock) {
        this.addresses = addresses;
        this.clock = clock;
    }

    /** {@code status.api.path} of a Connector, when it is not already right. */
    Optional<Map<String, Object>> forConnector(Connector connector) {
        String path = Connector.apiPath(connector.getMetadata().getNamespace(), connector.getMetadata().getName());
        ConnectorStatus status = connector.getStatus();
        String current = status == null || status.api() == null ? null : status.api().path();
        if (path.equals(current)) {
            return Optional.empty();
        }
        return Optional.of(Map.of("status", Map.of("api", Map.of("path", path))));
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
        boolean declaresProxy = classSpec != null && classSpec.proxy() != null
                && (classSpec.proxy().ref() != null || classSpec.proxy().uri() != null);
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
