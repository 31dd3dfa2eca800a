package io.connectors.api.authz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.connectors.api.support.FakeKubeAuth;
import io.connectors.api.support.Fixtures;
import io.connectors.api.support.GatewayTest;
import io.connectors.api.support.MockCluster;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** With write passthrough off, only a declared git fetch of the smart-HTTP shape gets through as a read. */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = MockCluster.class)
class WriteGateTest extends GatewayTest {

    private static final String UPLOAD_PACK = "application/x-git-upload-pack-request";

    private String namespace;
    private String token;

    @BeforeEach
    void connectors() {
        namespace = Fixtures.unique("gate");
        token = FakeKubeAuth.newToken("gate");
        fixtures.flag("enable-connector-apis-write-passthrough", false);
        fixtures.connectorClass("git-declared", Map.of(MethodPolicy.GIT_FETCH_IS_READ, "true"), null);
        fixtures.connectorClass("plain", null);
        for (String[] connector : new String[][] {{"git", "git-declared"}, {"gitlab", "plain"}}) {
            fixtures.connector(namespace, connector[0], connector[1], tool.url(), null, null);
            FakeKubeAuth.grantGet(token, namespace, connector[0]);
        }
    }

    @Test
    void aDeclaredGitFetchIsARead() throws Exception {
        as(token).contentType(UPLOAD_PACK).body("0000".getBytes())
                .post(apiPath(namespace, "git") + "/group/repo.git/git-upload-pack").then().statusCode(200);
        assertThat(tool.next().uri()).isEqualTo("/group/repo.git/git-upload-pack");
    }

    @Test
    void aPostThatOnlyEndsInGitUploadPackIsAWrite() {
        as(token).contentType("application/json").body("{\"content\":\"x\"}")
                .post(apiPath(namespace, "git") + "/api/v4/projects/1/repository/files/git-upload-pack")
                .then().statusCode(405).body("reason", equalTo("MethodNotAllowed")).body("kind", equalTo("Status"));
        as(token).body("0000".getBytes())
                .post(apiPath(namespace, "git") + "/group/repo.git/git-upload-pack").then().statusCode(405);
        as(token).contentType("application/x-git-receive-pack-request").body("0000".getBytes())
                .post(apiPath(namespace, "git") + "/group/repo.git/git-receive-pack").then().statusCode(405);
        // The right shape on a class that does not declare git smart HTTP is a write too.
        as(token).contentType(UPLOAD_PACK).body("0000".getBytes())
                .post(apiPath(namespace, "gitlab") + "/group/repo.git/git-upload-pack").then().statusCode(405);
        // An encoded spelling of the name does not make a read either.
        as(token).contentType("application/json").body("{}")
                .post(apiPath(namespace, "gitlab") + "/api/v4/projects/1/repository/files/git-upload-pac%6B")
                .then().statusCode(405);
        assertThat(tool.pending()).isZero();
    }

    @Test
    void theFetchExceptionNeedsGitsOwnPathShapeWhateverTheContentType() {
        // A file write on GitLab that merely ends in git-upload-pack, sent with the fetch's Content-Type.
        for (String path : new String[] {"/api/v4/projects/1/repository/files/git-upload-pack", "/git-upload-pack",
                "/group/.git/git-upload-pack", "/group/repo/git-upload-pack", "/group/repo.git.x/git-upload-pack"}) {
            as(token).contentType(UPLOAD_PACK).body("0000".getBytes())
                    .post(apiPath(namespace, "git") + path).then().statusCode(405);
        }
        assertThat(tool.pending()).isZero();
    }
}
