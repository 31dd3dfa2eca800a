package io.connectors.api;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Native-image registrations for third-party classes that are only reached by reflection.
 * The project's own reflective classes (io.connectors.api.model) carry
 * {@code @RegisterForReflection} themselves; see native/README.md.
 *
 * <p>Caffeine picks its cache and node classes by name from the builder's options
 * (LocalCacheFactory/NodeFactory: constructor and the static {@code FACTORY} field). Quarkus's
 * Caffeine feature registers a fixed set; these are the ones the gateway's caches need on top
 * (checked by instantiating each builder as the code does): review caches (maximumSize +
 * variable expiry, async): SSMSA/PSWMW; upstream clients (maximumSize + expireAfterAccess +
 * removal listener): SSLMSA/PSAMS; OpenAPI documents SSMS/PSMS and cluster version SSW/PSW
 * (already in Quarkus's set, listed so that a Quarkus change cannot silently drop them).
 * A new cache with other options needs its classes here.
 */
@RegisterForReflection(fields = true, methods = false, classNames = {
        "com.github.benmanes.caffeine.cache.SSMSA",
        "com.github.benmanes.caffeine.cache.PSWMW",
        "com.github.benmanes.caffeine.cache.SSLMSA",
        "com.github.benmanes.caffeine.cache.PSAMS",
        "com.github.benmanes.caffeine.cache.SSMS",
        "com.github.benmanes.caffeine.cache.PSMS",
        "com.github.benmanes.caffeine.cache.SSW",
        "com.github.benmanes.caffeine.cache.PSW",
})
public final class NativeHints {

    private NativeHints() {
    }
}
