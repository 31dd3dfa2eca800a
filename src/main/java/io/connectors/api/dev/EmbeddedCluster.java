package io.connectors.api.dev;

import io.fabric8.kubernetes.client.Config;
import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.kubernetes.client.KubernetesConfigCustomizer;
import jakarta.inject.Singleton;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * Dev mode's embedded default: when no cluster is configured (no KUBECONFIG, no ~/.kube/config,
 * no quarkus.kubernetes-client.api-server-url, not in a pod), start a local kube-apiserver and
 * point the client at it as its admin. The cluster outlives live reloads and stops with the JVM.
 * Not part of production builds.
 */
@IfBuildProfile("dev")
@Singleton
public class EmbeddedCluster implements KubernetesConfigCustomizer {

    private static final Logger LOG = Logger.getLogger(EmbeddedCluster.class);
    private static final Path PROJECT = Path.of("").toAbsolutePath();
    private static LocalCluster cluster;

    @Override
    public void customize(Config config) {
        if (clusterConfigured()) {
            return;
        }
        LocalCluster local = startOnce();
        config.setMasterUrl(local.apiUrl());
        config.setOauthToken(local.token("admin"));
        config.setCaCertFile(local.caFile().toString());
        config.setCaCertData(null);
        config.setTrustCerts(false);
        config.setNamespace("default");
    }

    /** The running embedded cluster, if dev mode started one. */
    public static synchronized Optional<LocalCluster> current() {
        return Optional.ofNullable(cluster);
    }

    private static synchronized LocalCluster startOnce() {
        if (cluster == null) {
            LOG.info("no cluster configured: starting the embedded local cluster (the first start on a new"
                    + " machine builds kube-apiserver, ~15 minutes)");
            Path dir = PROJECT.resolve("target/dev-cluster");
            cluster = LocalCluster.start(PROJECT, dir);
            LocalCluster started = cluster;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> started.stop(PROJECT), "embedded-cluster-stop"));
            LOG.infof("embedded cluster ready at %s (state in %s)", cluster.apiUrl(), dir);
        }
        return cluster;
    }

    static boolean clusterConfigured() {
        String kubeconfig = System.getenv("KUBECONFIG");
        if (kubeconfig != null && !kubeconfig.isBlank()) {
            return true;
        }
        if (Files.exists(Path.of(System.getProperty("user.home"), ".kube", "config"))
                || Files.exists(Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token"))) {
            return true;
        }
        var config = ConfigProvider.getConfig();
        return config.getOptionalValue("quarkus.kubernetes-client.api-server-url", String.class).isPresent()
                || config.getOptionalValue("quarkus.kubernetes-client.master-url", String.class).isPresent();
    }
}
