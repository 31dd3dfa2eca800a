package io.connectors.api.web;

import io.connectors.api.errors.GatewayError;
import io.connectors.api.web.GatewayRoute.ClassOpenApi;
import io.connectors.api.web.GatewayRoute.ConnectorApi;
import io.connectors.api.web.GatewayRoute.ConnectorOpenApi;
import io.connectors.api.web.GatewayRoute.LegacyResource;
import io.connectors.api.web.GatewayRoute.Version;
import java.util.regex.Pattern;

/**
 * Parses the raw, still percent-encoded request path. Nothing is decoded and re-encoded: the
 * api-path goes upstream exactly as it came, {@code %2F} inside a segment included.
 */
public final class RequestPaths {

    public static final String ROOT = "/connectors/";
    private static final String API_ROOT = "/connectors/v1alpha1/";
    /** Namespace and object names: DNS subdomains, as Kubernetes allows them. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

    private RequestPaths() {
    }

    public static GatewayRoute parse(String rawPath) {
        if (rawPath.equals("/connectors/version")) {
            return new Version();
        }
        if (!rawPath.startsWith(API_ROOT)) {
            throw notFound();
        }
        String rest = rawPath.substring(API_ROOT.length());
        // Split off at most the first six segments; the remainder (the api-path) stays whole and raw.
        String[] head = rest.split("/", 7);
        if (head.length >= 3 && head[0].equals("connectorclasses") && head[2].equals("openapi") && head.length == 3) {
            return new ClassOpenApi(name(head[1], "connectorclass"));
        }
        if (head.length >= 6 && head[0].equals("namespaces") && head[2].equals("connectors") && head[4].equals("resources")) {
            String resource = rest.substring(prefixLength(head, 5));
            return new LegacyResource(name(head[1], "namespace"), name(head[3], "connector"), resource);
        }
        if (head.length >= 3 && head[2].equals("path")) {
            String apiPath = rest.substring(prefixLength(head, 3) - 1);
            return new ConnectorApi(name(head[0], "namespace"), name(head[1], "connector"),
                    head.length == 3 ? "" : apiPath);
        }
        if (head.length == 3 && head[2].equals("openapi")) {
            return new ConnectorOpenApi(name(head[0], "namespace"), name(head[1], "connector"));
        }
        throw notFound();
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
        if (!NAME.matcher(raw).matches()) {
            throw GatewayError.badRequest("invalid " + what + " name in the request path");
        }
        return raw;
    }

    private static GatewayError notFound() {
        return GatewayError.notFound("the server could not find the requested resource");
    }
}
