package io.connectors.api.web;

import io.connectors.api.errors.GatewayError;
import io.vertx.core.http.HttpMethod;
import java.util.Map;

/**
 * Which methods read and which write, and the RBAC verb of each (spec §4). A git fetch is a
 * POST that only reads (smart HTTP {@code git-upload-pack}): it is treated as a read so that
 * {@code git clone} works without write passthrough, while {@code git push} stays a write.
 */
public final class MethodPolicy {

    private static final Map<HttpMethod, String> VERBS = Map.of(
            HttpMethod.GET, "get",
            HttpMethod.HEAD, "get",
            HttpMethod.OPTIONS, "get",
            HttpMethod.POST, "create",
            HttpMethod.PUT, "update",
            HttpMethod.PATCH, "patch",
            HttpMethod.DELETE, "delete");

    private static final String GIT_UPLOAD_PACK = "/git-upload-pack";

    private MethodPolicy() {
    }

    /** The verb for the method, or 405 for a method the gateway does not forward at all. */
    public static String verb(HttpMethod method, String rawApiPath) {
        if (isGitFetch(method, rawApiPath)) {
            return "get";
        }
        String verb = VERBS.get(method);
        if (verb == null) {
            throw GatewayError.methodNotAllowed("method " + method.name() + " is not supported");
        }
        return verb;
    }

    public static boolean isWrite(HttpMethod method, String rawApiPath) {
        return !verb(method, rawApiPath).equals("get");
    }

    private static boolean isGitFetch(HttpMethod method, String rawApiPath) {
        return method == HttpMethod.POST && rawApiPath.endsWith(GIT_UPLOAD_PACK);
    }
}
