package io.connectors.api.web;

import io.connectors.api.errors.GatewayError;
import io.connectors.api.request.GatewayRoute;
import io.connectors.api.request.GatewayRoute.ClassOpenApi;
import io.connectors.api.request.GatewayRoute.ConnectorApi;
import io.connectors.api.request.GatewayRoute.ConnectorOpenApi;
import io.connectors.api.request.GatewayRoute.ConnectorProxyPath;
import io.connectors.api.request.GatewayRoute.LegacyResource;
import io.connectors.api.request.GatewayRoute.NamespaceOpenApi;
import io.connectors.api.request.GatewayRoute.Registry;
import io.connectors.api.request.GatewayRoute.RegistryBase;
import io.connectors.api.request.GatewayRoute.RegistryTokenEndpoint;
import io.connectors.api.request.GatewayRoute.Version;
import io.connectors.api.route.CanonicalPath;
import java.util.regex.Pattern;

/**
 * Parses the request path in its canonical form ({@link CanonicalPath}): the api-path that is
 * routed, authorised and forwarded is that one form, {@code %2F} inside a segment included.
 * Malformed paths (dot segments in any spelling, ...) are refused here, before any other stage.
 */
public final class RequestPaths {

    public static final String ROOT = "/connectors/";
    private static final String API_ROOT = "/connectors/v1alpha1/";
    public static final String REGISTRY_ROOT = "/v2/";
    /** The upstream proxy's path form: {@code /namespaces/{ns}/connectors/{name}{tool path}}. */
    public static final String PROXY_PATH_ROOT = "/namespaces/";
    /**
     * Namespace and object names: RFC 1123 DNS subdomains, as Kubernetes allows them (dot-separated
     * labels: {@code a..b} and {@code a.-b} are no names), 253 chars at most ({@link #name}).
     */
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final int MAX_NAME_LENGTH = 253;

    private RequestPaths() {
    }

    public static GatewayRoute parse(String rawPath) {
        return parseCanonical(CanonicalPath.of(rawPath));
    }

    private static GatewayRoute parseCanonical(String path) {
        if (path.equals("/v2") || path.startsWith(REGISTRY_ROOT)) {
            return parseRegistry(path);
        }
        if (path.startsWith(PROXY_PATH_ROOT)) {
            return parseProxyPath(path);
        }
        if (path.equals("/connectors/version")) {
            return new Version();
        }
        if (!path.startsWith(API_ROOT)) {
            throw notFound();
        }
        String rest = path.substring(API_ROOT.length());
        // Split off at most the first six segments; the remainder (the api-path) stays whole.
        String[] head = rest.split("/", 7);
        if (head.length >= 3 && head[0].equals("connectorclasses") && head[2].equals("openapi") && head.length == 3) {
            return new ClassOpenApi(name(head[1], "connectorclass"));
        }
        if (head.length >= 6 && head[0].equals("namespaces") && head[2].equals("connectors") && head[4].equals("resources")) {
            String resource = rest.substring(prefixLength(head, 5) - 1);
            return new LegacyResource(name(head[1], "namespace"), name(head[3], "connector"), resource);
        }
        if (head.length >= 3 && head[2].equals("path")) {
            String apiPath = rest.substring(prefixLength(head, 3) - 1);
            return new ConnectorApi(name(head[0], "namespace"), name(head[1], "connector"),
                    head.length == 3 ? "" : apiPath);
        }
        if (head.length == 2 && head[1].equals("openapi")) {
            // {ns}/openapi: a namespace named "connectorclasses" or "namespaces" is still a namespace here.
            return new NamespaceOpenApi(name(head[0], "namespace"));
        }
        if (head.length == 3 && head[2].equals("openapi")) {
            return new ConnectorOpenApi(name(head[0], "namespace"), name(head[1], "connector"));
        }
        throw notFound();
    }

    /**
     * The registry route: {@code /v2/}, {@code /v2/token}, and
     * {@code /v2/namespaces/{ns}/connectors/{name}/<repo>/…}, which is the Connector's {@code /v2/<repo>/…}.
     */
    private static GatewayRoute parseRegistry(String path) {
        if (path.equals("/v2") || path.equals(REGISTRY_ROOT)) {
            return new RegistryBase();
        }
        if (path.equals(REGISTRY_ROOT + "token")) {
            return new RegistryTokenEndpoint();
        }
        String[] head = path.substring(REGISTRY_ROOT.length()).split("/", 5);
        if (head.length == 5 && head[0].equals("namespaces") && head[2].equals("connectors") && !head[4].isEmpty()) {
            return new Registry(name(head[1], "namespace"), name(head[3], "connector"), REGISTRY_ROOT + head[4]);
        }
        throw notFound();
    }

    /**
     * {@code /namespaces/{ns}/connectors/{name}} and what follows it, the tool path ("" or starting
     * with "/"), exactly as the Connectors API's {@code /connectors/v1alpha1/{ns}/{name}/path} would take it.
     */
    private static GatewayRoute parseProxyPath(String path) {
        String[] head = path.substring(PROXY_PATH_ROOT.length()).split("/", 4);
        if (head.length < 3 || !head[1].equals("connectors")) {
            throw notFound();
        }
        String toolPath = head.length == 4 ? "/" + head[3] : "";
        return new ConnectorProxyPath(name(head[0], "namespace"), name(head[2], "connector"), toolPath);
    }

    /** Length of the first {@code count} segments and their slashes. */
    private static int prefixLength(String[] segments, int count) {
        int length = 0;
        for (int i = 0; i < count; i++) {
            length += segments[i].length() + 1;
        }
        return length;
    }

    private static String name(String raw, String what) {
        if (raw.length() > MAX_NAME_LENGTH || !NAME.matcher(raw).matches()) {
            throw GatewayError.badRequest("invalid " + what + " name in the request path");
        }
        return raw;
    }

    private static GatewayError notFound() {
        return GatewayError.notFound("the server could not find the requested resource");
    }
}
