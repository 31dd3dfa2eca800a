package io.connectors.api.status;

import io.connectors.api.forward.ApiAddressResolver;
import io.connectors.api.model.Condition;
import io.connectors.api.model.Connector;
import io.connectors.api.model.ConnectorClass;
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
        String name = connectorClass.getMetadata().getName();
        boolean declaresApi = connectorClass.getSpec() != null && connectorClass.getSpec().api() != null;
        Optional<String> url = declaresApi ? addresses.fromSpec(connectorClass.getSpec().api()) : Optional.empty();
        Condition wanted;
        if (!declaresApi) {
            wanted = condition("True", "NonAPI", "the class declares no custom API");
        } else if (url.isEmpty()) {
            wanted = condition("False", "AddressNotResolved", "api address of connectorclass '" + name + "' is not resolved");
        } else if (openApiProblem.isPresent()) {
            wanted = condition("False", "InvalidOpenAPI", openApiProblem.get());
        } else {
            wanted = condition("True", "Resolved", "the custom API is at " + url.get());
        }
        ConnectorClassStatus status = connectorClass.getStatus();
        String currentUrl = status == null || status.api() == null || status.api().address() == null ? null
                : status.api().address().url();
        List<Condition> conditions = status == null || status.conditions() == null ? List.of() : status.conditions();
        Optional<Condition> current = conditions.stream().filter(c -> API_READY.equals(c.type())).findFirst();
        boolean conditionRight = current.isPresent() && sameState(current.get(), wanted);
        if (Objects.equals(currentUrl, url.orElse(null)) && conditionRight) {
            return Optional.empty();
        }
        List<Map<String, Object>> merged = new ArrayList<>();
        for (Condition condition : conditions) {
            if (!API_READY.equals(condition.type())) {
                merged.add(asMap(condition));
            }
        }
        Condition written = conditionRight ? current.get() : current.filter(c -> Objects.equals(c.status(), wanted.status()))
                .map(c -> new Condition(wanted.type(), wanted.status(), wanted.reason(), wanted.message(),
                        c.lastTransitionTime(), null))
                .orElse(wanted);
        merged.add(asMap(written));
        Map<String, Object> address = new LinkedHashMap<>();
        address.put("url", url.orElse(null));
        Map<String, Object> statusPatch = new LinkedHashMap<>();
        statusPatch.put("api", Map.of("address", address));
        statusPatch.put("conditions", merged);
        return Optional.of(Map.of("status", statusPatch));
    }

    private Condition condition(String status, String reason, String message) {
        return new Condition(API_READY, status, reason, message, clock.instant().toString(), null);
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
