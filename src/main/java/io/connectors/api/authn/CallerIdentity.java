package io.connectors.api.authn;

import java.util.List;
import java.util.Map;

/** Who the TokenReview said the caller is; passed as is to SubjectAccessReviews. */
public record CallerIdentity(String username, String uid, List<String> groups, Map<String, List<String>> extra) {

    public CallerIdentity {
        groups = groups == null ? List.of() : List.copyOf(groups);
        extra = extra == null ? Map.of() : Map.copyOf(extra);
    }
}
