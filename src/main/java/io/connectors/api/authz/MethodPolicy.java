package io.connectors.api.authz;

import io.connectors.api.errors.GatewayError;
import io.connectors.api.model.ConnectorClass;
import io.vertx.core.http.HttpMethod;
import java.util.Locale;
import java.util.Map;

/**
 * Which requests read and which write, and the RBAC verb of each (spec §4, §12). Every POST,
 * PUT, PATCH and DELETE is a write, with one exception: a git fetch — smart HTTP's
 * {@code POST …/git-upload-pack} with the {@code application/x-git-upload-pack-request} body — on
 * a class that declares it with the annotation {@value #GIT_FETCH_IS_READ}{@code : "true"}, so that
 * {@code git clone} works without write passthrough while {@code git push} stays a write. Both the
 * declaration and the request's shape are required: a POST to any path that merely ends in
 * {@code git-upload-pack} is a write.
 */
public final class MethodPolicy {

    /** ConnectorClass annotation: this class's tools speak git smart HTTP, whose fetch is a read. */
    public static final String GIT_FETCH_IS_READ = "connectors.alauda.io/git-fetch-is-read";

    static final String GIT_UPLOAD_PACK = "/git-upload-pack";
    static final String GIT_UPLOAD_PACK_REQUEST = "application/x-git-upload-pack-request";

    private static final Map<HttpMethod, String> VERBS = Map.of(
            HttpMethod.GET, "get",
            HttpMethod.HEAD, "get",
            HttpMethod.OPTIONS, "get",
            HttpMethod.POST, "create",
            HttpMethod.PUT, "update",
            HttpMethod.PATCH, "patch",
            HttpMethod.DELETE, "delete");

    private MethodPolicy() {
    }

    /** One request as the policy sees it: method, canonical api-path, Content-Type, and its class. */
    public record Request(HttpMethod method, String apiPath, String contentType, ConnectorClass connectorClass) {
    }

    /** The verb for the request, or 405 for a method the gateway does not forward at all. */
    public static String verb(Request request) {
        if (isGitFetch(request)) {
            return "get";
        }
        String verb = VERBS.get(request.method());
        if (verb == null) {
            throw GatewayError.methodNotAllowed("method " + request.method().name() + " is not supported");
        }
        return verb;
    }

    public static boolean isWrite(Request request) {
        return !verb(request).equals("get");
    }

    static boolean isGitFetch(Request request) {
        return request.method() == HttpMethod.POST
                && request.apiPath().endsWith(GIT_UPLOAD_PACK)
                && GIT_UPLOAD_PACK_REQUEST.equals(mediaType(request.contentType()))
                && declaresGitFetchIsRead(request.connectorClass());
    }

    static boolean declaresGitFetchIsRead(ConnectorClass connectorClass) {
        Map<String, String> annotations = connectorClass == null || connectorClass.getMetadata() == null ? null
                : connectorClass.getMetadata().getAnnotations();
        return annotations != null && "true".equalsIgnoreCase(
                annotations.getOrDefault(GIT_FETCH_IS_READ, "").trim());
    }

    /** The media type of a Content-Type, without parameters, lower case. */
    private static String mediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int parameters = contentType.indexOf(';');
        return (parameters < 0 ? contentType : contentType.substring(0, parameters)).trim().toLowerCase(Locale.ROOT);
    }
}
