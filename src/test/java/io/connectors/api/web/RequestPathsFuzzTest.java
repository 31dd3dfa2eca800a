package io.connectors.api.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.connectors.api.errors.GatewayError;
import io.connectors.api.request.GatewayRoute;
import io.connectors.api.request.GatewayRoute.ClassOpenApi;
import io.connectors.api.request.GatewayRoute.ConnectorApi;
import io.connectors.api.request.GatewayRoute.ConnectorOpenApi;
import io.connectors.api.request.GatewayRoute.ConnectorProxyPath;
import io.connectors.api.request.GatewayRoute.LegacyResource;
import io.connectors.api.request.GatewayRoute.NamespaceOpenApi;
import io.connectors.api.route.CanonicalPath;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Properties of {@link RequestPaths#parse} for any path: the Connector a path names and the
 * api-path it forwards are read from the canonical path, so the api-path cannot reach outside its
 * Connector. Input: ISO-8859-1 bytes; one not starting with {@code /} is put under
 * {@code /connectors/v1alpha1/}. Seeds and findings:
 * {@code src/test/resources/io/connectors/api/web/RequestPathsFuzzTestInputs/requestPaths/}.
 */
class RequestPathsFuzzTest {

    /** RFC 1123 subdomain, as Kubernetes validates object names: dot-separated labels, 253 chars at most. */
    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final String API_ROOT = "/connectors/v1alpha1/";

    @FuzzTest
    @DictionaryEntries({"/", "ns/", "name/", "path/", "path", "openapi", "namespaces/", "connectors/", "resources/",
            "connectorclasses/", "/namespaces/", "..", ".", "%2e", "%2F", "%2f", "%25", ";", "%6e", "-", "//", "%20"})
    void requestPaths(byte[] input) {
        String text = new String(input, StandardCharsets.ISO_8859_1);
        String raw = text.startsWith("/") ? text : API_ROOT + text;
        GatewayRoute route;
        try {
            route = RequestPaths.parse(raw);
        } catch (GatewayError e) {
            assertThat(e.code()).as("status for %s", raw).isIn(400, 404);
            return;
        }
        String canonical = CanonicalPath.of(raw);
        if (route instanceof ConnectorApi api) {
            assertName(api.namespace(), raw);
            assertName(api.name(), raw);
            String prefix = API_ROOT + api.namespace() + "/" + api.name() + "/path";
            assertThat(canonical).as("canonical of %s", raw).endsWith(api.canonicalApiPath());
            // Exactly the Connector's prefix, then the api-path: nothing between, nothing lost.
            String expected = prefix + api.canonicalApiPath();
            assertThat(canonical.equals(expected) || canonical.equals(expected + "/"))
                    .as("%s is %s + %s", canonical, prefix, api.canonicalApiPath()).isTrue();
            assertApiPath(api.canonicalApiPath(), raw);
        } else if (route instanceof ConnectorProxyPath proxyPath) {
            assertName(proxyPath.namespace(), raw);
            assertName(proxyPath.name(), raw);
            String expected = "/namespaces/" + proxyPath.namespace() + "/connectors/" + proxyPath.name()
                    + proxyPath.canonicalApiPath();
            assertThat(canonical.equals(expected) || canonical.equals(expected + "/"))
                    .as("%s is the proxy path of %s", canonical, proxyPath).isTrue();
            assertApiPath(proxyPath.canonicalApiPath(), raw);
        } else if (route instanceof LegacyResource legacy) {
            assertName(legacy.namespace(), raw);
            assertName(legacy.name(), raw);
            assertThat(canonical).as("canonical of %s", raw).isEqualTo(API_ROOT + "namespaces/" + legacy.namespace()
                    + "/connectors/" + legacy.name() + "/resources" + legacy.canonicalApiPath());
            assertThat(legacy.canonicalApiPath()).as("resource of %s", raw).startsWith("/").isNotEqualTo("/");
            assertApiPath(legacy.canonicalApiPath(), raw);
        } else if (route instanceof ConnectorOpenApi openapi) {
            assertName(openapi.namespace(), raw);
            assertName(openapi.name(), raw);
            assertThat(canonical).isIn(API_ROOT + openapi.namespace() + "/" + openapi.name() + "/openapi",
                    API_ROOT + openapi.namespace() + "/" + openapi.name() + "/openapi/");
        } else if (route instanceof NamespaceOpenApi namespaceOpenApi) {
            assertName(namespaceOpenApi.namespace(), raw);
            assertThat(canonical).isIn(API_ROOT + namespaceOpenApi.namespace() + "/openapi",
                    API_ROOT + namespaceOpenApi.namespace() + "/openapi/");
        } else if (route instanceof ClassOpenApi classOpenApi) {
            assertName(classOpenApi.className(), raw);
        }
    }

    private static void assertName(String name, String raw) {
        assertThat(name).as("name in %s", raw).matches(DNS_SUBDOMAIN);
    }

    /** The api-path is canonical itself: "" or "/…", and what a second canonicalisation leaves alone. */
    private static void assertApiPath(String apiPath, String raw) {
        if (!apiPath.isEmpty()) {
            assertThat(apiPath).as("api-path of %s", raw).startsWith("/");
            assertThat(CanonicalPath.of(apiPath)).as("api-path of %s", raw).isEqualTo(apiPath);
        }
    }
}
