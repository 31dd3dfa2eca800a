package io.connectors.api.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;
import java.util.Optional;

@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ConnectorClassSpec(
        AddressSpec address,
        List<AddressSpec> addressExtensions,
        AuthSpec auth,
        Destination proxy,
        ApiSpec api) {

    /** The auth type of this name, if the class declares it. */
    public Optional<AuthType> authType(String name) {
        if (auth == null || auth.types() == null || name == null) {
            return Optional.empty();
        }
        return auth.types().stream().filter(type -> name.equals(type.name())).findFirst();
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AddressSpec(String name, String type, String description) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AuthSpec(List<AuthType> types) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AuthType(String name, String secretType, Boolean optional, String displayName, String description) {

        public boolean isOptional() {
            return Boolean.TRUE.equals(optional);
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ObjectRef(String kind, String name, String namespace, String apiVersion, String group) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Destination(ObjectRef ref, String uri) {
    }

    /** {@code spec.api}: where the class's custom API lives, and its OpenAPI document (free-form). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ApiSpec(ObjectRef ref, String uri, JsonNode openapi) {
    }
}
