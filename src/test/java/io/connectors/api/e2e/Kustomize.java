package io.connectors.api.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Renders the project's kustomizations as {@code kubectl kustomize} does, or, where no usable
 * kubectl is installed, with a fallback that understands what this project's files use: plain
 * YAML resources, and a Component's resources and {@code $patch: delete} patches (its other
 * patches, which touch the Deployment only, are left out).
 */
final class Kustomize {

    static final Path BASE = RealCluster.PROJECT.resolve("src/main/kubernetes");
    static final Path NAMESPACED = BASE.resolve("namespaced");

    private Kustomize() {
    }

    /** The kustomization of a directory. */
    static String render(Path directory) {
        String rendered = kubectl(directory);
        return rendered != null ? rendered : String.join("\n", fallback(directory));
    }

    /** The base with a Component, through an overlay of its own as a user would write it. */
    static String renderWithComponent(Path base, Path component) {
        Path overlay = RealCluster.PROJECT.resolve("target/kustomize/" + UUID.randomUUID());
        try {
            Files.createDirectories(overlay);
            Files.writeString(overlay.resolve("kustomization.yaml"), """
                    apiVersion: kustomize.config.k8s.io/v1beta1
                    kind: Kustomization
                    resources:
                      - %s
                    components:
                      - %s
                    """.formatted(overlay.relativize(base), overlay.relativize(component)));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write an overlay in " + overlay, e);
        }
        String rendered = kubectl(overlay);
        if (rendered != null) {
            return rendered;
        }
        List<String> documents = new ArrayList<>(fallback(base));
        documents.addAll(fallback(component));
        for (String patch : entries(component, "- path: ")) {
            String text = read(component.resolve(patch));
            if (text.contains("$patch: delete")) {
                String kind = topLevel(text, "kind: ");
                String name = topLevel(text, "  name: ");
                documents.removeIf(document -> kind.equals(topLevel(document, "kind: "))
                        && name.equals(topLevel(document, "  name: ")));
            }
        }
        return String.join("\n", documents);
    }

    /**
     * The base with its image set to {@code image} through an overlay, as the README's install
     * section does it with {@code kustomize edit set image connectors-api=<image>} (which writes
     * this same {@code images} entry).
     */
    static String renderWithImage(Path base, String image) {
        Path overlay = RealCluster.PROJECT.resolve("target/kustomize/" + UUID.randomUUID());
        int colon = image.lastIndexOf(':');
        try {
            Files.createDirectories(overlay);
            Files.writeString(overlay.resolve("kustomization.yaml"), """
                    apiVersion: kustomize.config.k8s.io/v1beta1
                    kind: Kustomization
                    resources:
                      - %s
                    images:
                      - name: connectors-api
                        newName: %s
                        newTag: %s
                    """.formatted(overlay.relativize(base), image.substring(0, colon), image.substring(colon + 1)));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write an overlay in " + overlay, e);
        }
        String rendered = kubectl(overlay);
        if (rendered != null) {
            return rendered;
        }
        return String.join("\n", fallback(base)).replaceAll("(?m)^(\\s+image: )connectors-api$", "$1" + image);
    }

    private static String kubectl(Path directory) {
        try {
            Process kubectl = new ProcessBuilder("kubectl", "kustomize", directory.toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(kubectl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (kubectl.waitFor(60, TimeUnit.SECONDS) && kubectl.exitValue() == 0 && !out.isBlank()) {
                return out;
            }
        } catch (IOException noKubectl) {
            // fall through
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    /** The YAML resources of a kustomization.yaml, one document each, in order. */
    private static List<String> fallback(Path directory) {
        List<String> documents = new ArrayList<>();
        for (String file : entries(directory, "- ")) {
            if (file.endsWith(".yaml") && !file.contains(": ")) { // not a "- path: …" of patches
                for (String document : read(directory.resolve(file)).split("(?m)^---\\s*$")) {
                    if (!document.isBlank()) {
                        documents.add("---\n" + document.strip() + "\n");
                    }
                }
            }
        }
        return documents;
    }

    /** The values of the two-space-indented list items with this prefix in a kustomization.yaml. */
    private static List<String> entries(Path directory, String prefix) {
        List<String> entries = new ArrayList<>();
        for (String line : read(directory.resolve("kustomization.yaml")).split("\n")) {
            if (line.startsWith("  " + prefix)) {
                entries.add(line.substring(2 + prefix.length()).trim());
            }
        }
        return entries;
    }

    private static String topLevel(String document, String prefix) {
        for (String line : document.split("\n")) {
            if (line.startsWith(prefix)) {
                return line.substring(prefix.length()).trim();
            }
        }
        return "";
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
    }
}
