package io.connectors.api.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.connectors.api.errors.GatewayError;
import io.connectors.api.request.GatewayRoute;
import io.connectors.api.web.RequestPaths;
import org.junit.jupiter.api.Test;

/** The registry route's paths, parsed like every other path: canonical form first, names checked. */
class RegistryPathsTest {

    @Test
    void baseTokenAndAConnectorsRepository() {
        assertThat(RequestPaths.parse("/v2/")).isEqualTo(new GatewayRoute.RegistryBase());
        assertThat(RequestPaths.parse("/v2")).isEqualTo(new GatewayRoute.RegistryBase());
        assertThat(RequestPaths.parse("/v2/token")).isEqualTo(new GatewayRoute.RegistryTokenEndpoint());
        assertThat(RequestPaths.parse("/v2/namespaces/team-a/connectors/harbor/library/nginx/manifests/1.27"))
                .isEqualTo(new GatewayRoute.Registry("team-a", "harbor", "/v2/library/nginx/manifests/1.27"));
        assertThat(RequestPaths.parse("/v2/namespaces/team-a/connectors/harbor/demo/blobs/uploads/"))
                .isEqualTo(new GatewayRoute.Registry("team-a", "harbor", "/v2/demo/blobs/uploads/"));
    }

    @Test
    void whatIsNotARegistryRouteIsRefused() {
        assertThat(status("/v2/library/nginx/tags/list")).isEqualTo(404);
        assertThat(status("/v2/namespaces/team-a/connectors/harbor/")).isEqualTo(404);
        assertThat(status("/v2/namespaces/team-a/connectors/harbor")).isEqualTo(404);
        assertThat(status("/v2/namespaces/Team_A/connectors/harbor/x/tags/list")).isEqualTo(400);
        // A dot segment in any spelling never reaches the parser.
        assertThat(status("/v2/namespaces/team-a/connectors/harbor/x/%2e%2e/%2e%2e/y/tags/list")).isEqualTo(400);
    }

    private static int status(String path) {
        try {
            RequestPaths.parse(path);
            return 200;
        } catch (GatewayError e) {
            return e.code();
        }
    }

    @Test
    void registryErrorCodes() {
        assertThat(RegistryErrors.code(401)).isEqualTo("UNAUTHORIZED");
        assertThat(RegistryErrors.code(403)).isEqualTo("DENIED");
        assertThat(RegistryErrors.code(405)).isEqualTo("UNSUPPORTED");
        assertThat(RegistryErrors.code(503)).isEqualTo("UNAVAILABLE");
        assertThat(RegistryErrors.body(GatewayError.forbidden("no")).toString())
                .isEqualTo("{\"errors\":[{\"code\":\"DENIED\",\"message\":\"no\",\"detail\":{\"status\":403,\"reason\":\"Forbidden\"}}]}");
        assertThatThrownBy(() -> RequestPaths.parse("/v3/")).isInstanceOf(GatewayError.class);
    }
}
