package io.connectors.api.forward.registry;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Registry tokens by (Connector, Secret version, realm, service, scope), each until shortly before
 * it expires. Concurrent requests for one key share one fetch; a failed fetch is not kept. A
 * changed Secret (new resourceVersion) means new keys: tokens of old credentials are never reused.
 */
public final class RegistryTokenCache {

    /** What one token is for. {@code secretVersion} is the Secret's uid and resourceVersion, "" without one. */
    public record Key(String namespace, String connector, String secretVersion, String realm, String service,
            String scope) {
    }

    private final AsyncCache<Key, RegistryToken> cache;

    public RegistryTokenCache(long maximumSize) {
        this(maximumSize, Ticker.systemTicker());
    }

    RegistryTokenCache(long maximumSize, Ticker ticker) {
        this.cache = Caffeine.newBuilder()
                .maximumSize(maximumSize)
                .ticker(ticker)
                .expireAfter(Expiry.<Key, RegistryToken>creating((key, token) -> token.usableFor()))
                .buildAsync();
    }

    public CompletableFuture<RegistryToken> get(Key key, Supplier<CompletableFuture<RegistryToken>> fetch) {
        return cache.get(key, (k, executor) -> fetch.get());
    }

    long size() {
        return cache.synchronous().estimatedSize();
    }
}
