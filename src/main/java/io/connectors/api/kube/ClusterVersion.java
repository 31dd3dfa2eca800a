package io.connectors.api.kube;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.CompletableFuture;

/** The cluster's git version, asked of the API server at most every ten minutes. */
@ApplicationScoped
public class ClusterVersion {

    private final AsyncLoadingCache<String, String> cache;

    ClusterVersion(ReviewApi api) {
        this.cache = Caffeine.newBuilder()
                .expireAfterWrite(Duration.ofMinutes(10))
                .buildAsync((key, executor) -> api.getJson("/version")
                        .thenApply(body -> new JsonObject(body).getString("gitVersion")));
    }

    public CompletableFuture<String> gitVersion() {
        return cache.get("version");
    }
}
