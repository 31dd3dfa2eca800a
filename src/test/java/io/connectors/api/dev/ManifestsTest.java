package io.connectors.api.dev;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What dev mode applies (src/main/kubernetes/*.yaml and examples/): never the install-only objects. */
class ManifestsTest {

    @Test
    void devModeAppliesCrdsAndRbacButNoKustomizationNorInstallObjects() throws IOException {
        List<Path> files = new ArrayList<>(Manifests.inDirectory(Path.of("src/main/kubernetes")));
        assertThat(files).extracting(file -> file.getFileName().toString())
                .contains("crd-connectorclasses.yaml", "crd-connectors.yaml", "rbac.yaml")
                .doesNotContain("kustomization.yaml");
        files.addAll(Manifests.inDirectory(Path.of("src/main/kubernetes/examples")));
        for (Path file : files) {
            assertThat(Files.readString(file)).as(file.toString())
                    .doesNotContain("kind: Deployment", "kind: Service\n", "kind: PodDisruptionBudget", "kind: Kustomization");
        }
    }
}
