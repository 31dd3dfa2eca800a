package io.connectors.examples.gitapi;

import io.connectors.sdk.StatusException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The repository a call names, which must live on the Connector's tool: the Connector's
 * credentials go to it, so a caller must not be able to send them anywhere else. A relative
 * name ({@code group/repo.git}) is taken under the tool's address.
 */
final class RepositoryUrl {

    private RepositoryUrl() {
    }

    static URI resolve(String baseUrl, String repositoryUrl) {
        if (repositoryUrl == null || repositoryUrl.isBlank()) {
            throw StatusException.badRequest("query parameter repositoryUrl is required");
        }
        URI base = parse(baseUrl, "the connector's address");
        URI repository = repositoryUrl.contains("://") ? parse(repositoryUrl, "repositoryUrl")
                : parse(withSlash(baseUrl) + stripLeadingSlashes(repositoryUrl), "repositoryUrl");
        if (repository.getRawUserInfo() != null || repository.getRawQuery() != null
                || repository.getRawFragment() != null) {
            throw StatusException.badRequest("repositoryUrl must not carry credentials, a query or a fragment");
        }
        String repositoryPath = repository.normalize().getRawPath();
        if (!sameOrigin(base, repository) || !withSlash(repositoryPath).startsWith(withSlash(base.getRawPath()))
                || repositoryPath.contains("/../")) {
            throw StatusException.badRequest("repositoryUrl must be on the connector's address " + baseUrl);
        }
        return repository.normalize();
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return uri.getScheme().toLowerCase(Locale.ROOT).equals("https") ? 443 : 80;
    }

    private static URI parse(String url, String what) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw StatusException.badRequest(what + " must be an absolute http(s) URL");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw StatusException.badRequest(what + " is not a valid URL");
        }
    }

    private static String withSlash(String path) {
        return path == null || path.isEmpty() ? "/" : path.endsWith("/") ? path : path + "/";
    }

    private static String stripLeadingSlashes(String path) {
        return path.replaceFirst("^/+", "");
    }
}
