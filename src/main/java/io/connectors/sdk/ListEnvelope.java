package io.connectors.sdk;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * A list answer of a custom API (seed 001): {@code {"listMeta":{"totalItems":N},"items":[...]}},
 * where {@code totalItems} counts every item, not only this page's.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ListEnvelope<T>(ListMeta listMeta, List<T> items) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ListMeta(long totalItems) {
    }

    public ListEnvelope {
        items = items == null ? List.of() : List.copyOf(items);
    }

    public static <T> ListEnvelope<T> of(long totalItems, List<T> items) {
        return new ListEnvelope<>(new ListMeta(totalItems), items);
    }

    public long totalItems() {
        return listMeta.totalItems();
    }

    public String toJson() {
        return SdkJson.write(this);
    }
}
