package io.connectors.api.dev;

import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * On the embedded cluster only: applies this project's CRDs and RBAC and the examples of
 * {@code src/main/kubernetes/examples/}, then prints a curl command that works as is.
 * Runs before the informers start, so they find the CRDs in place.
 */
@IfBuildProfile("dev")
@ApplicationScoped
public class DevExamples {

    private static final Logger LOG = Logger.getLogger(DevExamples.class);

    private final KubernetesClient client;
    private final int port;

    DevExamples(KubernetesClient client, @ConfigProperty(name = "quarkus.http.port") int port) {
        this.client = client;
        this.port = port;
    }

    void apply(@Observes @Priority(1) StartupEvent event) {
        client.getMasterUrl(); // creating the client is what starts the embedded cluster
        EmbeddedCluster.current().ifPresent(cluster -> {
            Path project = Path.of("").toAbsolutePath();
            Map<String, String> values = ExampleValues.forCluster(cluster, viewerToken());
            List<Path> files = new ArrayList<>(Manifests.inDirectory(project.resolve("src/main/kubernetes")));
            files.addAll(Manifests.inDirectory(project.resolve("src/main/kubernetes/examples")));
            Manifests.apply(client, files, values);
            LOG.infof("%n%nThe embedded cluster holds example Connectors. Try, as user alice:%n%n"
                    + "  curl -H 'Authorization: Bearer %s' \\%n"
                    + "    http://127.0.0.1:%d/connectors/v1alpha1/default/kube-api/path/api/v1/namespaces/default/serviceaccounts%n%n"
                    + "bob has no access (403); admin kubeconfig: %s%n",
                    cluster.token("alice"), port, cluster.env().get("KUBECONFIG_ADMIN"));
        });
    }

    /** A token of the read-only ServiceAccount "kube-viewer": the credential the kube-api Connector holds. */
    private String viewerToken() {
        client.serviceAccounts().inNamespace("default").resource(new ServiceAccountBuilder().withNewMetadata()
                .withName("kube-viewer").withNamespace("default").endMetadata().build()).serverSideApply();
        TokenRequest request = new TokenRequestBuilder().withNewSpec().withExpirationSeconds(86_400L).endSpec().build();
        return client.serviceAccounts().inNamespace("default").withName("kube-viewer").tokenRequest(request)
                .getStatus().getToken();
    }

    /** The placeholders the example manifests use. */
    public static final class ExampleValues {
        private ExampleValues() {
        }

        public static Map<String, String> forCluster(LocalCluster cluster, String viewerToken) {
            return Map.of(
                    "KUBE_API_URL", cluster.apiUrl(),
                    "KUBE_CA_PEM_BASE64", base64(cluster.caPem()),
                    "VIEWER_TOKEN_BASE64", base64(viewerToken));
        }

        private static String base64(String value) {
            return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
        }
    }
}
