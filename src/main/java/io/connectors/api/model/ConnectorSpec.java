package io.connectors.api.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;
import java.util.Optional;

@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ConnectorSpec(
        String connectorClassName,
        String address,
        List<NamedValue> addressExtensions,
        ConnectorAuth auth,
        List<NamedValue> params,
        LocalReference caCertSecretRef) {

    /** The value of the address extension with this name, when it is a string. */
    public Optional<String> addressExtension(String name) {
        if (addressExtensions == null) {
            return Optional.empty();
        }
        return addressExtensions.stream()
                .filter(extension -> name.equals(extension.name()))
                .map(NamedValue::textValue)
                .flatMap(Optional::stream)
                .findFirst();
    }
}
