package io.connectors.api.support;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The fabric8 mock server as the gateway's cluster in {@code @QuarkusTest}s: CRUD mode, the
 * project's own CRDs, and TokenReview/SubjectAccessReview answered by {@link FakeKubeAuth}.
 */
public final class MockCluster implements Consumer<KubernetesServer> {

    @Override
    public void accept(KubernetesServer server) {
        FakeKubeAuth.install(server);
        for (String file : new String[] {"crd-connectors.yaml", "crd-connectorclasses.yaml"}) {
            try (InputStream in = Files.newInputStream(Path.of("src/main/kubernetes", file))) {
                server.getClient().resource(server.getClient().getKubernetesSerialization()
                        .unmarshal(in, CustomResourceDefinition.class)).create();
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + file, e);
            }
        }
    }
}
