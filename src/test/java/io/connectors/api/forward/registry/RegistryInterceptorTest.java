package io.connectors.api.forward.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.connectors.api.forward.UpstreamTarget;
import io.connectors.api.registry.RegistryLocations;
import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;

class RegistryInterceptorTest {

    @Test
    void theRepositoryOfARegistryPath() {
        assertThat(RegistryInterceptor.repository("/v2/demo/blobs/uploads/1234")).contains("demo");
        assertThat(RegistryInterceptor.repository("/v2/team/app/manifests/v1")).contains("team/app");
        assertThat(RegistryInterceptor.repository("/v2/a/manifests/b/blobs/sha256:1")).contains("a/manifests/b");
        assertThat(RegistryInterceptor.repository("/v2/")).isEmpty();
        assertThat(RegistryInterceptor.repository("/v2/blobs/x")).isEmpty();
        assertThat(RegistryInterceptor.repository("/api/v4/projects")).isEmpty();
    }

    @Test
    void whatCountsAsABody() {
        assertThat(RegistryInterceptor.hasBody(MultiMap.caseInsensitiveMultiMap())).isFalse();
        assertThat(RegistryInterceptor.hasBody(MultiMap.caseInsensitiveMultiMap().add("Content-Length", "0"))).isFalse();
        assertThat(RegistryInterceptor.hasBody(MultiMap.caseInsensitiveMultiMap().add("Content-Length", "12"))).isTrue();
        assertThat(RegistryInterceptor.hasBody(MultiMap.caseInsensitiveMultiMap().add("Transfer-Encoding", "chunked")))
                .isTrue();
    }

    @Test
    void locationsIntoTheRegistryPointBackAtTheRoute() {
        // Behind a proxy: the public URL (web/PublicUrl) is https://platform.example, the caller's Host gateway.example:8443.
        RegistryLocations.ForRoute route = new RegistryLocations.ForRoute("Bearer realm=\"x\"", "https://platform.example",
                "/v2/namespaces/team-a/connectors/registry/", UpstreamTarget.parse("http://127.0.0.1:5000/base", "t"),
                "gateway.example:8443");

        assertThat(route.rewrite("/base/v2/demo/blobs/uploads/abc?_state=xyz%3D"))
                .isEqualTo("https://platform.example/v2/namespaces/team-a/connectors/registry/demo/blobs/uploads/abc?_state=xyz%3D");
        assertThat(route.rewrite("http://127.0.0.1:5000/base/v2/demo/blobs/uploads/abc"))
                .isEqualTo("https://platform.example/v2/namespaces/team-a/connectors/registry/demo/blobs/uploads/abc");
        // The registry built it from X-Forwarded-Host: the gateway's own authority.
        assertThat(route.rewrite("https://gateway.example:8443/base/v2/demo/manifests/sha256:1"))
                .isEqualTo("https://platform.example/v2/namespaces/team-a/connectors/registry/demo/manifests/sha256:1");
        // ... or from a trusted proxy's X-Forwarded-Host: the public authority.
        assertThat(route.rewrite("https://platform.example/base/v2/demo/tags/list"))
                .isEqualTo("https://platform.example/v2/namespaces/team-a/connectors/registry/demo/tags/list");
        // Blob storage elsewhere, or paths outside the registry API: unchanged.
        assertThat(route.rewrite("https://storage.example/bucket/blob?sig=1")).isEqualTo("https://storage.example/bucket/blob?sig=1");
        assertThat(route.rewrite("/elsewhere/v2/demo")).isEqualTo("/elsewhere/v2/demo");
        assertThat(route.rewrite("http://127.0.0.1:5001/base/v2/demo")).isEqualTo("http://127.0.0.1:5001/base/v2/demo");
    }
}
