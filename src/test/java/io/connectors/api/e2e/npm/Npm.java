package io.connectors.api.e2e.npm;

import io.connectors.api.support.ChildProcess;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real npm CLI, isolated from the machine: its own HOME, global and user config in
 * {@code dir}, and a fresh cache per call, so neither the developer's ~/.npmrc nor a cache warmed
 * by {@code npm publish} (which stores the tarball it sends) can make an install pass.
 * Each call gets a user config naming one registry and one token, like a user's own .npmrc.
 */
public final class Npm {

    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    private static final AtomicInteger RUNS = new AtomicInteger();

    private final Path dir;

    public Npm(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
        Files.createDirectories(dir.resolve("home"));
        Files.writeString(dir.resolve("globalrc"), "");
    }

    /** {@code npm publish} of the package in {@code packageDir} to {@code registry} with {@code token}. */
    public ChildProcess.Result publish(Path packageDir, URI registry, String token) throws IOException {
        return npm(packageDir, registry, token, List.of("publish", "--registry", registry.toString()));
    }

    /** {@code npm install <specs>} in {@code projectDir}, resolving everything from {@code registry}. */
    public ChildProcess.Result install(Path projectDir, URI registry, String token, List<String> specs)
            throws IOException {
        List<String> args = new ArrayList<>(List.of("install"));
        args.addAll(specs);
        return npm(projectDir, registry, token, args);
    }

    /** {@code node -e <script>} in {@code projectDir}, which resolves modules from its node_modules. */
    public ChildProcess.Result node(Path projectDir, String script) {
        return ChildProcess.run(List.of("node", "-e", script), projectDir, Map.of("HOME", dir.resolve("home")
                .toString()), dir.resolve("node-" + RUNS.incrementAndGet() + ".log"), TIMEOUT);
    }

    private ChildProcess.Result npm(Path workDir, URI registry, String token, List<String> args) throws IOException {
        // A counter, not a UUID: npm masks UUID-like strings in what it prints, paths included.
        String run = String.valueOf(RUNS.incrementAndGet());
        Path userConfig = userConfig(run, registry, token);
        List<String> command = new ArrayList<>(List.of("npm"));
        command.addAll(args);
        command.addAll(List.of("--userconfig", userConfig.toString(), "--globalconfig",
                dir.resolve("globalrc").toString(), "--cache", dir.resolve("cache-" + run).toString(), "--no-audit",
                "--no-fund", "--no-update-notifier", "--fetch-retries=0", "--loglevel=http"));
        try {
            return ChildProcess.run(command, workDir, Map.of("HOME", dir.resolve("home").toString(), "CI", "true"),
                    dir.resolve("npm-" + run + ".log"), TIMEOUT);
        } finally {
            // It holds a token: do not leave it in /tmp after the run.
            Files.deleteIfExists(userConfig);
        }
    }

    /** registry= plus its token under npm's "nerf dart" key (//host:port/path/), which npm matches by prefix. */
    private Path userConfig(String run, URI registry, String token) throws IOException {
        Path file = dir.resolve("npmrc-" + run);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        String nerfDart = "//" + registry.getRawAuthority() + registry.getRawPath();
        Files.writeString(file, "registry=" + registry + "\n" + nerfDart + ":_authToken=" + token + "\n",
                StandardCharsets.UTF_8);
        return file;
    }
}
