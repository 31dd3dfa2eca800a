package io.connectors.api.authz;

import io.connectors.api.authn.CallerIdentity;
import io.connectors.api.config.FeatureFlag;
import io.connectors.api.resolve.FeatureFlags;
import jakarta.inject.Singleton;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The fine-grained permission on a Connector's API (spec §4.4), only while the flag
 * {@code enable-connector-apis-permissions} is on: {@code connectors/apis/<class>} for the whole
 * class, or else {@code connectors/apis/<class><template>} for the matched OpenAPI path.
 */
@Singleton
public class ApiPermissions {

    private static final CompletableFuture<Void> ALLOWED = CompletableFuture.completedFuture(null);

    private final AccessReviewer access;
    private final FeatureFlags flags;

    ApiPermissions(AccessReviewer access, FeatureFlags flags) {
        this.access = access;
        this.flags = flags;
    }

    /** Completes when allowed; fails with 403 when neither check allows, 503 when a review fails. */
    public CompletableFuture<Void> require(CallerIdentity identity, String namespace, String name, String className,
            String verb, Optional<String> template) {
        if (!flags.enabled(FeatureFlag.API_PERMISSIONS)) {
            return ALLOWED;
        }
        AccessCheck wholeClass = AccessCheck.connectorApi(verb, namespace, name, className, "");
        return access.allowed(identity, wholeClass).thenCompose(allowed -> {
            if (allowed) {
                return ALLOWED;
            }
            if (template.isEmpty()) {
                throw AccessReviewer.forbidden(identity, wholeClass);
            }
            AccessCheck onePath = AccessCheck.connectorApi(verb, namespace, name, className, template.get());
            return access.allowed(identity, onePath).thenAccept(pathAllowed -> {
                if (!pathAllowed) {
                    throw AccessReviewer.forbidden(identity, onePath);
                }
            });
        });
    }
}
