package io.connectors.api.dev;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Applies YAML manifests (with {@code ${NAME}} placeholders) to a cluster, CRDs first and established. */
public final class Manifests {

    private Manifests() {
    }

    /** Every .yaml file of a directory, in name order; not a kustomization.yaml, which is no Kubernetes object. */
    public static List<Path> inDirectory(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> file.toString().endsWith(".yaml"))
                    .filter(file -> !file.getFileName().toString().equals("kustomization.yaml"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + directory, e);
        }
    }

    public static void apply(KubernetesClient client, List<Path> files, Map<String, String> values) {
        for (Path file : files) {
            String yaml;
            try {
                yaml = Files.readString(file);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + file, e);
            }
            for (Map.Entry<String, String> value : values.entrySet()) {
                yaml = yaml.replace("${" + value.getKey() + "}", value.getValue());
            }
            List<HasMetadata> objects = client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items();
            for (HasMetadata object : objects) {
                client.resource(object).forceConflicts().serverSideApply();
                if (object instanceof CustomResourceDefinition crd) {
                    client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
                            .waitUntilCondition(Manifests::established, 60, TimeUnit.SECONDS);
                }
            }
        }
    }

    private static boolean established(CustomResourceDefinition crd) {
        return crd != null && crd.getStatus() != null && crd.getStatus().getConditions() != null
                && crd.getStatus().getConditions().stream()
                        .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
    }
}
