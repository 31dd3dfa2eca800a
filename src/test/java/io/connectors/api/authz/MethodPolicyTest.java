package io.connectors.api.authz;

import static org.assertj.core.api.Assertions.assertThat;

import io.connectors.api.model.ConnectorClass;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.vertx.core.http.HttpMethod;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MethodPolicyTest {

    private static final String UPLOAD_PACK = "application/x-git-upload-pack-request";

    private static ConnectorClass connectorClass(Map<String, String> annotations) {
        ConnectorClass connectorClass = new ConnectorClass();
        connectorClass.setMetadata(new ObjectMetaBuilder().withName("c").withAnnotations(annotations).build());
        return connectorClass;
    }

    private static final ConnectorClass GIT = connectorClass(Map.of(MethodPolicy.GIT_FETCH_IS_READ, "true"));
    private static final ConnectorClass PLAIN = connectorClass(null);

    private static String verb(HttpMethod method, String path, String contentType, ConnectorClass connectorClass) {
        return MethodPolicy.verb(new MethodPolicy.Request(method, path, contentType, false, connectorClass));
    }

    private static String upgradeVerb(String path, ConnectorClass connectorClass) {
        return MethodPolicy.verb(new MethodPolicy.Request(HttpMethod.GET, path, null, true, connectorClass));
    }

    @Test
    void aGitFetchIsAReadOnlyWithTheSmartHttpShapeOnADeclaringClass() {
        assertThat(verb(HttpMethod.POST, "/group/repo.git/git-upload-pack", UPLOAD_PACK, GIT)).isEqualTo("get");
        assertThat(verb(HttpMethod.POST, "/group/repo.git/git-upload-pack", UPLOAD_PACK + "; charset=x", GIT))
                .isEqualTo("get");
        assertThat(verb(HttpMethod.POST, "/r.git/git-upload-pack", "Application/X-Git-Upload-Pack-Request", GIT))
                .isEqualTo("get");
    }

    @Test
    void everythingElseThatPostsIsAWrite() {
        // The bypass that was reported: any POST ending in git-upload-pack counted as a read.
        assertThat(verb(HttpMethod.POST, "/api/v4/projects/1/repository/files/git-upload-pack", "application/json",
                GIT)).isEqualTo("create");
        assertThat(verb(HttpMethod.POST, "/api/v4/projects/1/repository/files/git-upload-pack", null, GIT))
                .isEqualTo("create");
        assertThat(verb(HttpMethod.POST, "/group/repo.git/git-upload-pack", UPLOAD_PACK, PLAIN)).isEqualTo("create");
        assertThat(verb(HttpMethod.POST, "/group/repo.git/git-upload-pack", UPLOAD_PACK,
                connectorClass(Map.of(MethodPolicy.GIT_FETCH_IS_READ, "false")))).isEqualTo("create");
        assertThat(verb(HttpMethod.POST, "/group/repo.git/git-receive-pack", "application/x-git-receive-pack-request",
                GIT)).isEqualTo("create");
        assertThat(verb(HttpMethod.POST, "/group/repo.git/git-upload-pack/x", UPLOAD_PACK, GIT)).isEqualTo("create");
        assertThat(verb(HttpMethod.PUT, "/group/repo.git/git-upload-pack", UPLOAD_PACK, GIT)).isEqualTo("update");
        assertThat(verb(HttpMethod.PATCH, "/x", null, GIT)).isEqualTo("patch");
        assertThat(verb(HttpMethod.DELETE, "/x", null, GIT)).isEqualTo("delete");
        assertThat(verb(HttpMethod.GET, "/x", null, PLAIN)).isEqualTo("get");
        assertThat(verb(HttpMethod.HEAD, "/x", null, PLAIN)).isEqualTo("get");
        assertThat(verb(HttpMethod.OPTIONS, "/x", null, PLAIN)).isEqualTo("get");
    }

    @Test
    void onlyGitsSmartHttpPathIsAFetchWhateverTheContentType() {
        // <repository>.git/git-upload-pack: the segment before is a repository name ending in .git.
        for (String path : new String[] {"/api/v4/projects/1/repository/files/git-upload-pack", "/git-upload-pack",
                "/.git/git-upload-pack", "/group/repo/git-upload-pack", "/group/repo.git.x/git-upload-pack",
                "/group/repo.gitx/git-upload-pack", "/group/repo.git/git-upload-pack/", "/group/a%2Frepo.git/git-upload-pack",
                "/group/repo.git/x/git-upload-pack"}) {
            assertThat(verb(HttpMethod.POST, path, UPLOAD_PACK, GIT)).as(path).isEqualTo("create");
        }
        assertThat(verb(HttpMethod.POST, "/repo.git/git-upload-pack", UPLOAD_PACK, GIT)).isEqualTo("get");
        assertThat(verb(HttpMethod.POST, "/a/b/c/repo.GIT/git-upload-pack", UPLOAD_PACK, GIT)).isEqualTo("create");
    }

    @Test
    void aWebSocketUpgradeIsACreate() {
        // A GET that opens a channel that can write (exec, attach, a console): Kubernetes's verb for it.
        assertThat(upgradeVerb("/api/v1/namespaces/x/pods/p/exec", PLAIN)).isEqualTo("create");
        assertThat(upgradeVerb("/group/repo.git/git-upload-pack", GIT)).isEqualTo("create");
    }
}
