package io.connectors.api.authz;

import io.connectors.api.errors.GatewayError;
import io.connectors.api.model.ConnectorClass;
import io.connectors.api.request.WebSocketUpgrade;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.Locale;
import java.util.Map;

/**
 * Which requests read and which write, and the RBAC verb of each (spec §4, §12, §13).
 * <ul>
 * <li>Every POST, PUT, PATCH and DELETE is a write.</li>
 * <li>A WebSocket upgrade is a write with the verb {@code create}, although it is a GET: it opens a
 * channel that can write (a kube-apiserver's exec and attach, a tool's console), which is how
 * Kubernetes itself authorises exec/attach over WebSocket.</li>
 * <li>One exception makes a POST a read: a git fetch, smart HTTP's
 * {@code POST <repository>.git/git-upload-pack} with the {@code application/x-git-upload-pack-request}
 * body, on a class that declares it with the annotation {@value #GIT_FETCH_IS_READ}{@code : "true"},
 * so that {@code git clone} works without write passthrough while {@code git push} stays a write.
 * The declaration, the body's type and git's own path shape are all required: a caller must not be
 * able to pick the exception for another endpoint whose path merely ends in {@code git-upload-pack}
 * (GitLab's {@code …/repository/files/git-upload-pack} writes a file).</li>
 * </ul>
 * Method-override headers ({@code X-HTTP-Method-Override} and the like) play no part here: they
 * never reach a tool ({@code forward/HeaderHygiene}), so the method authorised is the one the tool
 * executes.
 */
public final class MethodPolicy {

    /** ConnectorClass annotation: this class's tools speak git smart HTTP, whose fetch is a read. */
    public static final String GIT_FETCH_IS_READ = "connectors.alauda.io/git-fetch-is-read";

    static final String GIT_UPLOAD_PACK = "/git-upload-pack";
    static final String GIT_UPLOAD_PACK_REQUEST = "application/x-git-upload-pack-request";
    private static final String GIT_REPOSITORY_SUFFIX = ".git";

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

    /**
     * One request as the policy sees it: method, canonical api-path, Content-Type, whether it asks
     * for a WebSocket, and its class.
     */
    public record Request(HttpMethod method, String apiPath, String contentType, boolean webSocket,
            ConnectorClass connectorClass) {

        public static Request of(HttpServerRequest request, String apiPath, ConnectorClass connectorClass) {
            return new Request(request.method(), apiPath, request.getHeader(HttpHeaders.CONTENT_TYPE),
                    WebSocketUpgrade.isRequested(request), connectorClass);
        }
    }

    /** The verb for the request, or 405 for a method the gateway does not forward at all. */
    public static String verb(Request request) {
        String verb = VERBS.get(request.method());
        if (verb == null) {
            throw GatewayError.methodNotAllowed("method " + request.method().name() + " is not supported");
        }
        if (request.webSocket()) {
            return "create";
        }
        if (isGitFetch(request)) {
            return "get";
        }
        return verb;
    }

    static boolean isGitFetch(Request request) {
        return request.method() == HttpMethod.POST
                && isUploadPackPath(request.apiPath())
                && GIT_UPLOAD_PACK_REQUEST.equals(mediaType(request.contentType()))
                && declaresGitFetchIsRead(request.connectorClass());
    }

    /**
     * Git's smart-HTTP shape: {@code …/<name>.git/git-upload-pack}, the segment before the last one
     * a repository name ending in {@code .git} (case as git writes it), with no encoded slash in it.
     * Clone URLs through the gateway end in {@code .git} for a fetch to count as a read.
     */
    static boolean isUploadPackPath(String apiPath) {
        if (!apiPath.endsWith(GIT_UPLOAD_PACK)) {
            return false;
        }
        String before = apiPath.substring(0, apiPath.length() - GIT_UPLOAD_PACK.length());
        String repository = before.substring(before.lastIndexOf('/') + 1);
        String upper = repository.toUpperCase(Locale.ROOT);
        return repository.length() > GIT_REPOSITORY_SUFFIX.length()
                && repository.endsWith(GIT_REPOSITORY_SUFFIX)
                && !upper.contains("%2F") && !upper.contains("%5C");
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
