package io.connectors.api.forward.registry;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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

    /**
     * A fetch's outcome. Failures are values here, expiring at once, so that the cache does not log
     * every refused token request as a failed load.
     */
    private record Attempt(RegistryToken token, Throwable failure) {
    }

    private final AsyncCache<Key, Attempt> cache;

    public RegistryTokenCache(long maximumSize) {
        this(maximumSize, Ticker.systemTicker());
    }

    RegistryTokenCache(long maximumSize, Ticker ticker) {
        this.cache = Caffeine.newBuilder()
                .maximumSize(maximumSize)
                .ticker(ticker)
                .expireAfter(Expiry.<Key, Attempt>creating((key, attempt) ->
                        attempt.token() == null ? Duration.ZERO : attempt.token().usableFor()))
                .buildAsync();
    }

    public CompletableFuture<RegistryToken> get(Key key, Supplier<CompletableFuture<RegistryToken>> fetch) {
        return cache.get(key, (k, executor) -> fetch.get().handle((token, failure) -> new Attempt(token, failure)))
                .thenApply(attempt -> {
                    if (attempt.failure() != null) {
                        throw attempt.failure() instanceof CompletionException completion ? completion
                                : new CompletionException(attempt.failure());
                    }
                    return attempt.token();
                });
    }

    long size() {
        return cache.synchronous().estimatedSize();
    }
}
