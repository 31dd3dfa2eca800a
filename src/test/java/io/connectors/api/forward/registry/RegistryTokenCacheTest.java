package io.connectors.api.forward.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RegistryTokenCacheTest {

    private final AtomicLong now = new AtomicLong();
    private final Ticker ticker = now::get;
    private final RegistryTokenCache cache = new RegistryTokenCache(100, ticker);
    private final AtomicInteger fetches = new AtomicInteger();

    private static RegistryTokenCache.Key key(String secretVersion, String scope) {
        return new RegistryTokenCache.Key("team-a", "registry", secretVersion, "https://auth.example/token", "svc", scope);
    }

    private CompletableFuture<RegistryToken> fetch(Duration lifetime) {
        return CompletableFuture.completedFuture(new RegistryToken("t" + fetches.incrementAndGet(), lifetime));
    }

    private String token(RegistryTokenCache.Key key, Duration lifetime) {
        return cache.get(key, () -> fetch(lifetime)).join().value();
    }

    @Test
    void oneTokenPerKeyUntilShortlyBeforeItExpires() {
        RegistryTokenCache.Key key = key("uid/1", "repository:demo:pull");

        assertThat(token(key, Duration.ofSeconds(300))).isEqualTo("t1");
        now.addAndGet(Duration.ofSeconds(269).toNanos());
        assertThat(token(key, Duration.ofSeconds(300))).isEqualTo("t1");
        // 300 s minus a margin of 30 s: not sent in its last half-minute.
        now.addAndGet(Duration.ofSeconds(2).toNanos());
        assertThat(token(key, Duration.ofSeconds(300))).isEqualTo("t2");
        assertThat(fetches).hasValue(2);
    }

    @Test
    void anotherScopeOrSecretVersionIsAnotherToken() {
        assertThat(token(key("uid/1", "repository:demo:pull"), Duration.ofMinutes(5))).isEqualTo("t1");
        assertThat(token(key("uid/1", "repository:demo:pull,push"), Duration.ofMinutes(5))).isEqualTo("t2");
        assertThat(token(key("uid/2", "repository:demo:pull"), Duration.ofMinutes(5))).isEqualTo("t3");
        assertThat(token(key("uid/1", "repository:demo:pull"), Duration.ofMinutes(5))).isEqualTo("t1");
    }

    @Test
    void concurrentRequestsShareOneFetch() {
        CompletableFuture<RegistryToken> pending = new CompletableFuture<>();
        RegistryTokenCache.Key key = key("uid/1", "s");
        CompletableFuture<RegistryToken> first = cache.get(key, () -> {
            fetches.incrementAndGet();
            return pending;
        });
        CompletableFuture<RegistryToken> second = cache.get(key, () -> fetch(Duration.ofMinutes(1)));

        pending.complete(new RegistryToken("shared", Duration.ofMinutes(1)));

        assertThat(first.join().value()).isEqualTo("shared");
        assertThat(second.join().value()).isEqualTo("shared");
        assertThat(fetches).hasValue(1);
    }

    @Test
    void aFailedFetchIsNotKept() {
        RegistryTokenCache.Key key = key("uid/1", "s");
        CompletableFuture<RegistryToken> failed = cache.get(key,
                () -> CompletableFuture.failedFuture(new IllegalStateException("realm down")));
        assertThatThrownBy(failed::join).hasRootCauseMessage("realm down");

        assertThat(token(key, Duration.ofMinutes(1))).isEqualTo("t1");
    }

    @Test
    void shortLivedTokensAreKeptForLessThanTheirLifetime() {
        assertThat(new RegistryToken("x", Duration.ofSeconds(60)).usableFor()).isEqualTo(Duration.ofSeconds(54));
        assertThat(new RegistryToken("x", Duration.ofHours(1)).usableFor()).isEqualTo(Duration.ofSeconds(3570));
        assertThat(new RegistryToken("x", Duration.ZERO).usableFor()).isEqualTo(Duration.ZERO);
        assertThat(new RegistryToken("secret-value", Duration.ofSeconds(1)).toString()).doesNotContain("secret-value");
    }
}
