package io.connectors.api.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.connectors.api.errors.GatewayError;
import io.connectors.api.request.GatewayRoute.ClassOpenApi;
import io.connectors.api.request.GatewayRoute.ConnectorApi;
import io.connectors.api.request.GatewayRoute.ConnectorOpenApi;
import io.connectors.api.request.GatewayRoute.ConnectorProxyPath;
import io.connectors.api.request.GatewayRoute.LegacyResource;
import io.connectors.api.request.GatewayRoute.NamespaceOpenApi;
import io.connectors.api.request.GatewayRoute.Version;
import org.junit.jupiter.api.Test;

class RequestPathsTest {

    @Test
    void connectorApiHasTheCanonicalApiPath() {
        assertThat(RequestPaths.parse("/connectors/v1alpha1/ns/git/path/plugin/gitref%73"))
                .isEqualTo(new ConnectorApi("ns", "git", "/plugin/gitrefs"));
        assertThat(RequestPaths.parse("/connectors/v1alpha1/ns/git/path//api//v4/projects/g%2fp"))
                .isEqualTo(new ConnectorApi("ns", "git", "/api/v4/projects/g%2Fp"));
        assertThat(RequestPaths.parse("/connectors/v1alpha1/n%73/git/path/x"))
                .isEqualTo(new ConnectorApi("ns", "git", "/x"));
        assertThatThrownBy(() -> RequestPaths.parse("/connectors/v1alpha1/ns/git/path/a/..;/b"))
                .isInstanceOfSatisfying(GatewayError.class, e -> assertThat(e.code()).isEqualTo(400));
        assertThatThrownBy(() -> RequestPaths.parse("/connectors/v1alpha1/ns/git/path/%252e%252e/x"))
                .isInstanceOfSatisfying(GatewayError.class, e -> assertThat(e.code()).isEqualTo(400));
    }

    @Test
    void connectorApiKeepsTheApiPath() {
        assertThat(RequestPaths.parse("/connectors/v1alpha1/ns/gitlab/path/api/v4/projects/g%2Fp"))
                .isEqualTo(new ConnectorApi("ns", "gitlab", "/api/v4/projects/g%2Fp"));
        assertThat(RequestPaths.parse("/connectors/v1alpha1/ns/gitlab/path"))
                .isEqualTo(new ConnectorApi("ns", "gitlab", ""));
        assertThat(RequestPaths.parse("/connectors/v1alpha1/ns/gitlab/path/"))
                .isEqualTo(new ConnectorApi("ns", "gitlab", "/"));
        assertThat(RequestPaths.parse("/connectors/v1alpha1/ns/gitlab/path/a/b/c/d/e/f/g"))
                .isEqualTo(new ConnectorApi("ns", "gitlab", "/a/b/c/d/e/f/g"));
    }

    @Test
    void theUpstreamProxyPathFormTakesTheToolPathAsTheConnectorsApiDoes() {
        assertThat(RequestPaths.parse("/namespaces/ns/connectors/git/demo.git/info/refs"))
                .isEqualTo(new ConnectorProxyPath("ns", "git", "/demo.git/info/refs"));
        assertThat(RequestPaths.parse("/namespaces/ns/connectors/gitlab/api/v4/projects/g%2fp"))
                .isEqualTo(new ConnectorProxyPath("ns", "gitlab", "/api/v4/projects/g%2Fp"));
        assertThat(RequestPaths.parse("/namespaces/ns/connectors/gitlab"))
                .isEqualTo(new ConnectorProxyPath("ns", "gitlab", ""));
        assertThat(RequestPaths.parse("/namespaces/ns/connectors/gitlab/"))
                .isEqualTo(new ConnectorProxyPath("ns", "gitlab", "/"));
        assertThat(RequestPaths.parse("/namespaces/n%73/connectors/pypi//simple/a/b/c/d/e/f/"))
                .isEqualTo(new ConnectorProxyPath("ns", "pypi", "/simple/a/b/c/d/e/f/"));
        // Same tool path, same route and forwarding, whichever form named the Connector.
        assertThat(RequestPaths.parse("/namespaces/ns/connectors/git/x/y%2Fz").apiPath())
                .isEqualTo(RequestPaths.parse("/connectors/v1alpha1/ns/git/path/x/y%2Fz").apiPath());
        for (String dotted : new String[] {"/namespaces/ns/connectors/git/a/..;/b", "/namespaces/ns/connectors/git/%252e%252e/x",
                "/namespaces/ns/connectors/../../connectors/version"}) {
            assertThatThrownBy(() -> RequestPaths.parse(dotted)).as(dotted)
                    .isInstanceOfSatisfying(GatewayError.class, e -> assertThat(e.code()).isEqualTo(400));
        }
        for (String unknown : new String[] {"/namespaces/", "/namespaces/ns", "/namespaces/ns/connectors",
                "/namespaces/ns/connectors/", "/namespaces/ns/secrets/git/x"}) {
            assertThatThrownBy(() -> RequestPaths.parse(unknown)).as(unknown)
                    .isInstanceOfSatisfying(GatewayError.class, e -> assertThat(e.code()).isIn(400, 404));
        }
        assertThatThrownBy(() -> RequestPaths.parse("/namespaces/NS/connectors/git/x"))
                .isInstanceOfSatisfying(GatewayError.class, e -> assertThat(e.code()).isEqualTo(400));
    }

    @Test
    void otherRoutes() {
        assertThat(RequestPaths.parse("/connectors/version")).isEqualTo(new Version());
        assertThat(RequestPaths.parse("/connectors/v1alpha1/ns/gitlab/openapi"))
                .isEqualTo(new ConnectorOpenApi("ns", "gitlab"));
        assertThat(RequestPaths.parse("/connectors/v1alpha1/connectorclasses/git/openapi"))
                .isEqualTo(new ClassOpenApi("git"));
        assertThat(RequestPaths.parse("/connectors/v1alpha1/ns/openapi")).isEqualTo(new NamespaceOpenApi("ns"));
    }

    @Test
    void theNamespaceDocumentHasTwoSegmentsAndNoConnectorRouteFewerThanThree() {
        // A Connector named "openapi" keeps both of its routes.
        assertThat(RequestPaths.parse("/connectors/v1alpha1/ns/openapi/openapi"))
                .isEqualTo(new ConnectorOpenApi("ns", "openapi"));
        assertThat(RequestPaths.parse("/connectors/v1alpha1/ns/openapi/path/x"))
                .isEqualTo(new ConnectorApi("ns", "openapi", "/x"));
        assertThat(RequestPaths.parse("/connectors/v1alpha1/ns/openapi/path"))
                .isEqualTo(new ConnectorApi("ns", "openapi", ""));
        // Namespaces named like the other routes' first segment are namespaces here.
        assertThat(RequestPaths.parse("/connectors/v1alpha1/connectorclasses/openapi"))
                .isEqualTo(new NamespaceOpenApi("connectorclasses"));
        assertThat(RequestPaths.parse("/connectors/v1alpha1/namespaces/openapi"))
                .isEqualTo(new NamespaceOpenApi("namespaces"));
        assertThat(RequestPaths.parse("/connectors/v1alpha1/n%73/openapi")).isEqualTo(new NamespaceOpenApi("ns"));
        assertThatThrownBy(() -> RequestPaths.parse("/connectors/v1alpha1/ns/openapi/"))
                .isInstanceOfSatisfying(GatewayError.class, e -> assertThat(e.code()).isEqualTo(404));
        assertThatThrownBy(() -> RequestPaths.parse("/connectors/v1alpha1/ns/openapi/x"))
                .isInstanceOfSatisfying(GatewayError.class, e -> assertThat(e.code()).isEqualTo(404));
        assertThatThrownBy(() -> RequestPaths.parse("/connectors/v1alpha1/NS/openapi"))
                .isInstanceOfSatisfying(GatewayError.class, e -> assertThat(e.code()).isEqualTo(400));
        assertThatThrownBy(() -> RequestPaths.parse("/connectors/v1alpha1/ns/../openapi"))
                .isInstanceOfSatisfying(GatewayError.class, e -> assertThat(e.code()).isEqualTo(400));
        assertThat(RequestPaths.parse("/connectors/v1alpha1/namespaces/ns/connectors/git/resources/gitrefs/x"))
                .isEqualTo(new LegacyResource("ns", "git", "/gitrefs/x"));
    }

    @Test
    void unknownPathsAre404AndBadNamesAre400() {
        assertThatThrownBy(() -> RequestPaths.parse("/connectors/v1alpha1/ns/name/other"))
                .isInstanceOfSatisfying(GatewayError.class, e -> assertThat(e.code()).isEqualTo(404));
        assertThatThrownBy(() -> RequestPaths.parse("/connectors/v2/ns/name/path"))
                .isInstanceOfSatisfying(GatewayError.class, e -> assertThat(e.code()).isEqualTo(404));
        assertThatThrownBy(() -> RequestPaths.parse("/connectors/v1alpha1/NS/name/path/x"))
                .isInstanceOfSatisfying(GatewayError.class, e -> assertThat(e.code()).isEqualTo(400));
        assertThatThrownBy(() -> RequestPaths.parse("/connectors/v1alpha1/%2e%2e/name/path/x"))
                .isInstanceOfSatisfying(GatewayError.class, e -> assertThat(e.code()).isEqualTo(400));
    }
}
