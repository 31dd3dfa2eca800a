package io.connectors.api.e2e;

import io.connectors.api.dev.LocalCluster;
import io.connectors.api.dev.Manifests;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A real kube-apiserver + etcd for {@code @QuarkusIntegrationTest}s, with one set
 * of CRDs ({@code crds=project}: this project's; {@code crds=reference}: the upstream ones from
 * ../shared/reference/crds), the project's ClusterRole, and the gateway running as its own
 * ServiceAccount with only that role, so the RBAC manifest is tested too. Quarkus starts one
 * cluster (and one gateway) per distinct set of resource arguments, so IT classes declaring the
 * same arguments share them: tests use namespaces of their own, and a class that changes
 * cluster-wide state adds an arg of its own to get a cluster of its own.
 * <p>
 * {@code rbac=namespaced} with {@code namespaces=a,b} installs the RBAC of the kustomize Component
 * {@code src/main/kubernetes/namespaced} instead (Secrets readable only by RoleBindings in those
 * namespaces and the system namespace, which it creates) and starts the gateway with
 * {@code connectors.namespaces=a,b}.
 *
 * <p>The gateway always serves HTTPS with a certificate of its own ({@link GatewayTls}), as in
 * prod. By default it also serves plain HTTP ({@code quarkus.http.insecure-requests=enabled}):
 * the contract tests are about the gateway, not the transport, and keep using RestAssured on the
 * plain port Quarkus hands it. {@code tls=only} keeps the prod default instead (no plain listener),
 * on ports chosen here so the test knows them, and reloads the certificate every second.
 * <p>
 * {@code config=key=value;key=value} adds configuration of the gateway (short timeouts for the
 * fault tests, for instance); a distinct value also means a cluster of its own.
 * <p>
 * {@code public-url=auto}: the gateway's plain port is chosen here and {@code connectors.public-url}
 * is {@code http://127.0.0.1:<that port>}, so the status writer's proxy addresses are ones the test
 * can call ({@link #publicUrl()}).
 * <p>
 * {@code restartable=true}: the test class stops and starts the API server
 * ({@link #stopApiServer()}, {@link #startApiServer()}), so it must have the cluster to itself.
 */
public class RealCluster implements QuarkusTestResourceLifecycleManager {

    public static final Path PROJECT = Path.of("").toAbsolutePath();
    public static final Path REFERENCE_CRDS = PROJECT.resolve("../shared/reference/crds").normalize();
    public static final String SYSTEM_NAMESPACE = "connectors-system";

    private static volatile RealCluster current;

    private String crds = "project";
    private String rbac = "cluster";
    private List<String> namespaces = List.of();
    private boolean tlsOnly;
    private GatewayTls tls;
    private int httpsPort;
    private int httpPort;
    private final Map<String, String> gatewayConfig = new HashMap<>();
    private boolean restartable;
    private boolean autoPublicUrl;
    private String publicUrl = "";
    private LocalCluster cluster;
    private KubernetesClient admin;
    private int managementPort;
    private int forwardProxyPort;

    @Override
    public void init(Map<String, String> initArgs) {
        crds = initArgs.getOrDefault("crds", "project");
        rbac = initArgs.getOrDefault("rbac", "cluster");
        namespaces = initArgs.containsKey("namespaces") ? List.of(initArgs.get("namespaces").split(",")) : List.of();
        tlsOnly = "only".equals(initArgs.get("tls"));
        restartable = Boolean.parseBoolean(initArgs.getOrDefault("restartable", "false"));
        autoPublicUrl = "auto".equals(initArgs.get("public-url"));
        for (String entry : initArgs.getOrDefault("config", "").split(";")) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                gatewayConfig.put(entry.substring(0, eq).trim(), entry.substring(eq + 1).trim());
            }
        }
    }

    /** The cluster of the running test class. */
    public static RealCluster current() {
        if (current == null) {
            throw new IllegalStateException("no real cluster is running");
        }
        return current;
    }

    public static boolean referenceCrdsAvailable() {
        return Files.isDirectory(REFERENCE_CRDS);
    }

    @Override
    public Map<String, String> start() {
        cluster = LocalCluster.start(PROJECT, PROJECT.resolve("target/e2e-clusters/" + UUID.randomUUID()));
        admin = new KubernetesClientBuilder().withConfig(cluster.config("admin")).build();
        List<Path> manifests = new ArrayList<>();
        if (crds.equals("reference")) {
            // Without ../shared the test class skips itself (with a message); the cluster just has no CRDs.
            if (referenceCrdsAvailable()) {
                manifests.addAll(Manifests.inDirectory(REFERENCE_CRDS));
            }
        } else {
            manifests.add(PROJECT.resolve("src/main/kubernetes/crd-connectorclasses.yaml"));
            manifests.add(PROJECT.resolve("src/main/kubernetes/crd-connectors.yaml"));
        }
        if (rbac.equals("namespaced")) {
            Manifests.apply(admin, manifests, Map.of());
            applyNamespacedRbac();
        } else {
            manifests.add(PROJECT.resolve("src/main/kubernetes/rbac.yaml"));
            Manifests.apply(admin, manifests, Map.of());
        }
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(SYSTEM_NAMESPACE).endMetadata()
                .build()).serverSideApply();
        admin.configMaps().inNamespace(SYSTEM_NAMESPACE).resource(new ConfigMapBuilder().withNewMetadata()
                .withName("connectors-config").endMetadata().addToData("enable-custom-ca-certs", "true").build())
                .serverSideApply();
        String gatewayToken = serviceAccountToken(SYSTEM_NAMESPACE, "connectors-api");
        current = this;
        // Credentials go in a kubeconfig file: Quarkus echoes quarkus.kubernetes-client.* values set
        // at run time (token included) in a start-up warning about build-time properties.
        Map<String, String> config = new HashMap<>();
        config.put("kubeconfig", writeKubeconfig(gatewayToken).toString());
        config.put("quarkus.http.host", "127.0.0.1");
        // Always set (empty = all namespaces): Quarkus hands later launches the properties of earlier
        // test resources too, and a namespace list left over would narrow another class's gateway.
        config.put("connectors.namespaces", String.join(",", namespaces));
        // Quarkus hands the packaged jar its main port only: the management port (9000 by
        // default, shared by every build on this machine) is chosen here.
        managementPort = freePort();
        config.put("quarkus.management.host", "127.0.0.1");
        config.put("quarkus.management.port", Integer.toString(managementPort));
        // The forward proxy's default port (8081) is every gateway's on this machine: one of its own.
        forwardProxyPort = freePort();
        config.put("connectors.forward-proxy.port", Integer.toString(forwardProxyPort));
        tls = GatewayTls.create(cluster.dir().resolve("gateway-tls"));
        config.put("quarkus.tls.https.key-store.pem.0.cert", tls.certFile().toString());
        config.put("quarkus.tls.https.key-store.pem.0.key", tls.keyFile().toString());
        // Every key in both modes: Quarkus passes the properties of the classes' earlier test resources
        // to later launches too, so a key set by one mode only would leak into the other.
        if (tlsOnly) {
            // Placed after Quarkus's own -Dquarkus.http.(ssl-)port on the command line, so these win.
            httpsPort = freePort();
            httpPort = freePort();
            config.put("quarkus.http.ssl-port", String.valueOf(httpsPort));
            config.put("quarkus.http.port", String.valueOf(httpPort));
            // The prod default, restated for that reason (InstallManifestsIT checks the default itself).
            config.put("quarkus.http.insecure-requests", "disabled");
            config.put("quarkus.tls.https.reload-period", "1s");
        } else {
            config.put("quarkus.http.ssl-port", "0");
            httpPort = autoPublicUrl ? freePort() : 0;
            config.put("quarkus.http.port", Integer.toString(httpPort));
            config.put("quarkus.http.insecure-requests", "enabled");
            config.put("quarkus.tls.https.reload-period", "1m");
        }
        // Always set (empty = unset), for the same reason.
        publicUrl = autoPublicUrl && !tlsOnly ? "http://127.0.0.1:" + httpPort : "";
        config.put("connectors.public-url", publicUrl);
        config.putAll(gatewayConfig);
        return config;
    }

    /** The RBAC objects of the default install with the namespaced Component, as kustomize renders them. */
    private void applyNamespacedRbac() {
        List<String> needed = new ArrayList<>(namespaces);
        needed.add(SYSTEM_NAMESPACE);
        for (String namespace : needed) {
            admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata()
                    .build()).serverSideApply();
        }
        String yaml = Kustomize.renderWithComponent(Kustomize.BASE, Kustomize.NAMESPACED);
        for (HasMetadata object : admin.load(new java.io.ByteArrayInputStream(
                yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8))).items()) {
            if (object.getApiVersion().startsWith("rbac.authorization.k8s.io/")) {
                admin.resource(object).forceConflicts().serverSideApply();
            }
        }
    }

    private Path writeKubeconfig(String token) {
        Path file = cluster.dir().resolve("gateway.kubeconfig");
        String kubeconfig = """
                apiVersion: v1
                kind: Config
                clusters: [{name: local, cluster: {server: "%s", certificate-authority: "%s"}}]
                users: [{name: gateway, user: {token: "%s"}}]
                contexts: [{name: gateway, context: {cluster: local, user: gateway}}]
                current-context: gateway
                """.formatted(cluster.apiUrl(), cluster.caFile(), token);
        try {
            Files.writeString(file, kubeconfig);
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot write " + file, e);
        }
        return file;
    }

    /** The gateway's forward proxy port (loopback). */
    public int forwardProxyPort() {
        return forwardProxyPort;
    }

    /** A token for a ServiceAccount, created if needed (no controller-manager creates them here). */
    public String serviceAccountToken(String namespace, String name) {
        admin.serviceAccounts().inNamespace(namespace).resource(new ServiceAccountBuilder().withNewMetadata()
                .withName(name).withNamespace(namespace).endMetadata().build()).serverSideApply();
        return admin.serviceAccounts().inNamespace(namespace).withName(name)
                .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(7200L).endSpec().build())
                .getStatus().getToken();
    }

    @Override
    public void stop() {
        current = null;
        if (admin != null) {
            admin.close();
        }
        if (cluster != null) {
            cluster.stop(PROJECT);
        }
    }

    private static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("no free port on 127.0.0.1", e);
        }
    }

    /** The gateway's management interface (/q/health, /q/metrics), on 127.0.0.1. */
    public int managementPort() {
        return managementPort;
    }

    /** Stops the kube-apiserver (etcd keeps running); only for a class declaring {@code restartable=true}. */
    public void stopApiServer() {
        if (!restartable) {
            throw new IllegalStateException("this cluster is shared: declare the init arg restartable=true");
        }
        cluster.stopApiServer(PROJECT);
    }

    /** Starts the kube-apiserver again on the same port, with the same certificates, tokens and data. */
    public void startApiServer() {
        cluster.startApiServer(PROJECT);
    }

    /** With {@code public-url=auto}: the gateway's {@code connectors.public-url}. */
    public String publicUrl() {
        return publicUrl;
    }

    public KubernetesClient admin() {
        return admin;
    }

    public LocalCluster cluster() {
        return cluster;
    }

    public String token(String user) {
        return cluster.token(user);
    }

    public List<String> namespaces() {
        return namespaces;
    }

    public String crds() {
        return crds;
    }

    /** The gateway's serving certificate files and their CA. */
    GatewayTls tls() {
        return tls;
    }

    /** With {@code tls=only}: the gateway's HTTPS port, and the plain port it was given but must not open. */
    int httpsPort() {
        return httpsPort;
    }

    int httpPort() {
        return httpPort;
    }
}
