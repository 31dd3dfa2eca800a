package io.connectors.api.apiref;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Optional;

/**
 * What is known of one class API's own OpenAPI document: the last good document (its SHA-256,
 * ETag and when it last changed) and, when the last fetch failed, why. {@code url}: where the
 * last good document came from.
 */
public record ApiSpecState(String url, Optional<JsonNode> document, String sha256, String etag, Instant changedAt,
        Optional<String> error, Instant checkedAt) {

    public static final ApiSpecState NONE = new ApiSpecState(null, Optional.empty(), null, null, null, Optional.empty(),
            null);

    ApiSpecState fetched(String fetchedFrom, JsonNode fetched, String hash, String newEtag, Instant now) {
        boolean same = hash.equals(sha256) && document.isPresent();
        return new ApiSpecState(fetchedFrom, same ? document : Optional.of(fetched), hash, newEtag,
                same ? changedAt : now, Optional.empty(), now);
    }

    ApiSpecState unchanged(Instant now) {
        return new ApiSpecState(url, document, sha256, etag, changedAt, Optional.empty(), now);
    }

    /** Keeps the last good document (whatever address it came from) and says why it was not renewed. */
    ApiSpecState failed(String triedUrl, String why, Instant now) {
        return new ApiSpecState(url, document, sha256, etag, changedAt, Optional.of(why), now);
    }
}
