package io.connectors.api.resolve;

import io.connectors.api.config.FeatureFlag;
import jakarta.inject.Singleton;

/**
 * Feature flags, read from the watched ConfigMap on every call so that a change applies to the
 * next request without a restart. Anything but the string "true" (trimmed, any case) is off.
 */
@Singleton
public class FeatureFlags {

    private final InformerCaches caches;

    FeatureFlags(InformerCaches caches) {
        this.caches = caches;
    }

    public boolean enabled(FeatureFlag flag) {
        return caches.flagsConfigMap()
                .map(configMap -> configMap.getData())
                .map(data -> data.get(flag.key()))
                .map(value -> "true".equalsIgnoreCase(value.trim()))
                .orElse(false);
    }
}
