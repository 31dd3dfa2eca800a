package io.connectors.api.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.Optional;

/** A {@code {name, value}} pair whose value may be any JSON (the CRDs preserve it as is). */
@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NamedValue(String name, JsonNode value) {

    public Optional<String> textValue() {
        return value != null && value.isTextual() ? Optional.of(value.asText()) : Optional.empty();
    }
}
