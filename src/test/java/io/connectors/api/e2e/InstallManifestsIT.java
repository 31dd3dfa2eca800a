package io.connectors.api.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributesBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The install manifests ({@code kubectl apply -k src/main/kubernetes}) on a real API server: every
 * object is accepted (no kubelet here, so nothing runs), and the gateway's ServiceAccount may do
 * exactly what the server needs, checked with SubjectAccessReviews.
 */
@QuarkusIntegrationTest
// The extra argument gives this class a cluster of its own: Quarkus shares one running application
// and test resource between classes with identical resource declarations (as ProjectCrdsIT's),
// and the install manifests reset the feature-flag ConfigMap that the contract tests rely on.
@WithTestResource(value = RealCluster.class, initArgs = {
        @ResourceArg(name = "crds", value = "project"), @ResourceArg(name = "isolated", value = "install-manifests")})
class InstallManifestsIT {

    static final Path KUSTOMIZATION = RealCluster.PROJECT.resolve("src/main/kubernetes");
    static final String USER = "system:serviceaccount:connectors-system:connectors-api";
    static final List<String> GROUPS = List.of("system:serviceaccounts", "system:serviceaccounts:connectors-system",
            "system:authenticated");
    static final List<String> VERBS = List.of("get", "list", "watch", "create", "update", "patch", "delete",
            "deletecollection");

    /** group, resource[/subresource], namespace to ask in, and exactly the verbs the server needs there. */
    record Grant(String group, String resource, String namespace, Set<String> verbs) {
    }

    static final List<Grant> EXPECTED = List.of(
            new Grant("connectors.alauda.io", "connectors", "team-a", Set.of("get", "list", "watch")),
            new Grant("connectors.alauda.io", "connectorclasses", "", Set.of("get", "list", "watch")),
            new Grant("connectors.alauda.io", "connectors/status", "team-a", Set.of("patch", "update")),
            new Grant("connectors.alauda.io", "connectorclasses/status", "", Set.of("patch", "update")),
            new Grant("", "secrets", "team-a", Set.of("get", "list", "watch")),
            // the default install serves every namespace: Secrets cluster-wide (connectors-api-secrets)
            new Grant("", "secrets", "", Set.of("get", "list", "watch")),
            new Grant("", "configmaps", "connectors-system", Set.of("get", "list", "watch")),
            new Grant("authentication.k8s.io", "tokenreviews", "", Set.of("create")),
            new Grant("authorization.k8s.io", "subjectaccessreviews", "", Set.of("create")),
            new Grant("coordination.k8s.io", "leases", "connectors-system", Set.of("get", "create", "update")),
            // objects ConnectorClasses reference (connectors-api-refs, as connectors.api-refs.kinds lists them)
            new Grant("networking.k8s.io", "ingresses", "team-a", Set.of("get", "list", "watch")),
            new Grant("projectcontour.io", "httpproxies", "team-a", Set.of("get", "list", "watch")),
            // and nothing of what it does not need
            new Grant("", "pods", "connectors-system", Set.of()),
            new Grant("", "serviceaccounts/token", "team-a", Set.of()),
            new Grant("apps", "deployments", "connectors-system", Set.of()),
            new Grant("rbac.authorization.k8s.io", "clusterroles", "", Set.of()),
            new Grant("apiextensions.k8s.io", "customresourcedefinitions", "", Set.of()));

    static List<HasMetadata> applied = List.of();
    static final List<String> TLS_DEFAULTS = readLines(RealCluster.PROJECT.resolve("src/main/resources/application.properties"));

    static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
    }

    @BeforeAll
    static void install() throws Exception {
        KubernetesClient admin = RealCluster.current().admin();
        String yaml = forThisServer(admin, render());
        List<HasMetadata> objects = admin.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items();
        List<HasMetadata> done = new ArrayList<>();
        for (HasMetadata object : objects) {
            done.add(admin.resource(object).forceConflicts().serverSideApply());
        }
        applied = done;
    }

    /** The kustomization as kubectl renders it, or (no usable kubectl) its resources in order. */
    static String render() {
        return Kustomize.render(KUSTOMIZATION);
    }

    @Test
    void everyObjectIsAccepted() {
        Set<String> kinds = new TreeSet<>();
        applied.forEach(object -> kinds.add(object.getKind() + "/" + object.getMetadata().getName()));
        assertThat(kinds).containsExactlyInAnyOrder(
                "Namespace/connectors-system",
                "CustomResourceDefinition/connectors.connectors.alauda.io",
                "CustomResourceDefinition/connectorclasses.connectors.alauda.io",
                "ClusterRole/connectors-api",
                "ClusterRoleBinding/connectors-api",
                "ClusterRole/connectors-api-secrets",
                "ClusterRoleBinding/connectors-api-secrets",
                "ClusterRole/connectors-api-refs",
                "ClusterRoleBinding/connectors-api-refs",
                "ServiceAccount/connectors-api",
                "ConfigMap/connectors-config",
                "Deployment/connectors-api",
                "Service/connectors-api",
                "PodDisruptionBudget/connectors-api");
        KubernetesClient admin = RealCluster.current().admin();
        var deployment = admin.apps().deployments().inNamespace("connectors-system").withName("connectors-api").get();
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        var pod = deployment.getSpec().getTemplate().getSpec();
        assertThat(pod.getServiceAccountName()).isEqualTo("connectors-api");
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        var container = pod.getContainers().get(0);
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
        // health and metrics are served on the management interface only
        assertThat(List.of(container.getStartupProbe(), container.getLivenessProbe(), container.getReadinessProbe()))
                .allSatisfy(probe -> assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("management"));
        assertThat(container.getPorts()).anyMatch(port -> port.getName().equals("management")
                && port.getContainerPort() == 9000);
        assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry("prometheus.io/port", "9000").containsEntry("prometheus.io/path", "/q/metrics");
        assertThat(container.getVolumeMounts()).anyMatch(mount -> mount.getMountPath().equals("/tmp"));
        assertThat(container.getEnv()).anyMatch(env -> env.getName().equals("CONNECTORS_SYSTEM_NAMESPACE")
                && env.getValueFrom().getFieldRef().getFieldPath().equals("metadata.namespace"));
        var service = admin.services().inNamespace("connectors-system").withName("connectors-api").get();
        // HTTPS only: 443 -> the container's https port (Quarkus's ssl-port 8443); no plain http port.
        assertThat(service.getSpec().getPorts()).filteredOn(port -> !port.getName().equals("forward-proxy")).singleElement()
                .satisfies(port -> assertThat(port.getPort()).isEqualTo(443))
                .satisfies(port -> assertThat(port.getName()).isEqualTo("https"))
                .satisfies(port -> assertThat(port.getTargetPort().getStrVal()).isEqualTo("https"));
        // The forward proxy's port (connectors.forward-proxy.port's default), by its name.
        assertThat(service.getSpec().getPorts()).anyMatch(port -> port.getName().equals("forward-proxy")
                && port.getPort() == 8081 && port.getTargetPort().getStrVal().equals("forward-proxy"));
        assertThat(container.getPorts()).anyMatch(port -> port.getName().equals("forward-proxy") && port.getContainerPort() == 8081);
        assertThat(container.getPorts()).anyMatch(port -> port.getName().equals("https") && port.getContainerPort() == 8443);
        assertThat(container.getPorts()).noneMatch(port -> port.getContainerPort() == 8080);
        // The kubernetes.io/tls Secret, mounted where application.properties' prod defaults read tls.crt/tls.key.
        assertThat(pod.getVolumes()).anySatisfy(volume -> {
            assertThat(volume.getName()).isEqualTo("tls");
            assertThat(volume.getSecret().getSecretName()).isEqualTo("connectors-api-tls");
        });
        assertThat(container.getVolumeMounts()).anySatisfy(mount -> {
            assertThat(mount.getName()).isEqualTo("tls");
            assertThat(mount.getMountPath()).isEqualTo("/etc/connectors-api/tls");
            assertThat(mount.getReadOnly()).isTrue();
        });
        assertThat(TLS_DEFAULTS).contains("%prod.quarkus.tls.https.key-store.pem.0.cert=/etc/connectors-api/tls/tls.crt",
                "%prod.quarkus.tls.https.key-store.pem.0.key=/etc/connectors-api/tls/tls.key",
                "%prod.quarkus.http.ssl-port=8443", "%prod.quarkus.http.insecure-requests=disabled");
    }

    /**
     * The README's install section: the image scripts/image.sh pushed, set with kustomize, and the
     * result applied as a server-side dry run (the objects exist already: this is the apply a user
     * makes, validated by the real API server, changing nothing).
     */
    @Test
    void installWithThePushedImagePassesAServerSideDryRun() {
        String image = "registry.example.com/platform/connectors-api:0.1.0-SNAPSHOT";
        KubernetesClient admin = RealCluster.current().admin();
        String yaml = forThisServer(admin, Kustomize.renderWithImage(KUSTOMIZATION, image));
        List<HasMetadata> objects = admin.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items();
        assertThat(objects).hasSize(applied.size());
        for (HasMetadata object : objects) {
            HasMetadata answered = admin.resource(object).dryRun().forceConflicts().serverSideApply();
            if (answered instanceof io.fabric8.kubernetes.api.model.apps.Deployment deployment) {
                assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                        .isEqualTo(image);
            }
        }
        // a dry run: the stored Deployment still names the image the kustomization sets by default
        assertThat(admin.apps().deployments().inNamespace("connectors-system").withName("connectors-api").get()
                .getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo("connectors-api:0.1.0-SNAPSHOT");
    }

    /** The Deployment runs the image as the image is built: its user, ports, writable /tmp, TLS files. */
    @Test
    void deploymentMatchesTheImage() {
        List<String> dockerfile = readLines(RealCluster.PROJECT.resolve("src/main/docker/Dockerfile.jvm"));
        List<String> nativeDockerfile = readLines(RealCluster.PROJECT.resolve("src/main/docker/Dockerfile.native"));
        assertThat(dockerfile).contains("USER 1001:1001", "EXPOSE 8443 8081 9000");
        assertThat(nativeDockerfile).contains("USER 1001:1001", "EXPOSE 8443 8081 9000");
        assertThat(String.join("\n", dockerfile)).contains("\"-Djava.io.tmpdir=/tmp\"", "\"-XX:MaxRAMPercentage=75.0\"",
                "\"-XX:+ExitOnOutOfMemoryError\"");
        var pod = RealCluster.current().admin().apps().deployments().inNamespace("connectors-system")
                .withName("connectors-api").get().getSpec().getTemplate().getSpec();
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(1001L);
        assertThat(pod.getSecurityContext().getRunAsGroup()).isEqualTo(1001L);
        var container = pod.getContainers().get(0);
        assertThat(container.getPorts()).extracting(port -> port.getContainerPort()).containsExactlyInAnyOrder(8443, 8081, 9000);
        // the heap is 75 % of the limit: the limit must leave room for the rest of the JVM
        assertThat(container.getResources().getLimits().get("memory").toString()).isEqualTo("512Mi");
        assertThat(pod.getVolumes()).anySatisfy(volume -> {
            assertThat(volume.getName()).isEqualTo("tmp");
            assertThat(volume.getEmptyDir()).isNotNull();
        });
        assertThat(pod.getTerminationGracePeriodSeconds()).isEqualTo(30L);
        // requests under way get 20 s at SIGTERM, the Lease release up to 5 s after them: inside the grace period
        assertThat(TLS_DEFAULTS).contains("%prod.quarkus.shutdown.timeout=20s");
    }

    static String forThisServer(KubernetesClient admin, String yaml) {
        boolean policyV1 = admin.getApiGroup("policy") != null && admin.getApiGroup("policy").getVersions().stream()
                .anyMatch(version -> version.getVersion().equals("v1"));
        // The test cluster is Kubernetes 1.20: policy/v1 arrived in 1.21 with the same PDB fields.
        return policyV1 ? yaml : yaml.replace("apiVersion: policy/v1\n", "apiVersion: policy/v1beta1\n");
    }

    @Test
    void serviceAccountMayDoExactlyWhatTheServerNeeds() {
        List<String> wrong = new ArrayList<>();
        for (Grant grant : EXPECTED) {
            for (String verb : VERBS) {
                boolean allowed = allowed(grant, verb);
                if (allowed != grant.verbs().contains(verb)) {
                    wrong.add((allowed ? "allowed " : "denied ") + verb + " " + grant.resource()
                            + (grant.group().isEmpty() ? "" : "." + grant.group())
                            + (grant.namespace().isEmpty() ? "" : " in " + grant.namespace()));
                }
            }
        }
        assertThat(wrong).as("SubjectAccessReviews as " + USER).isEmpty();
    }

    @Test
    void notDeletingSecretsNorCreatingConnectors() {
        assertThat(allowed(new Grant("", "secrets", "team-a", Set.of()), "delete")).isFalse();
        assertThat(allowed(new Grant("connectors.alauda.io", "connectors", "team-a", Set.of()), "create")).isFalse();
        assertThat(allowed(new Grant("connectors.alauda.io", "connectors", "team-a", Set.of()), "list")).isTrue();
    }

    static boolean allowed(Grant grant, String verb) {
        String[] resource = grant.resource().split("/", 2);
        SubjectAccessReview review = new SubjectAccessReviewBuilder().withNewSpec()
                .withUser(USER).withGroups(GROUPS)
                .withResourceAttributes(new ResourceAttributesBuilder()
                        .withGroup(grant.group()).withResource(resource[0])
                        .withSubresource(resource.length > 1 ? resource[1] : null)
                        .withNamespace(grant.namespace().isEmpty() ? null : grant.namespace())
                        .withVerb(verb).build())
                .endSpec().build();
        SubjectAccessReview answered = RealCluster.current().admin().authorization().v1().subjectAccessReview()
                .create(review);
        return Boolean.TRUE.equals(answered.getStatus().getAllowed());
    }
}
