package io.connectors.api.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real git CLI with a private, empty HOME and no system config, so nothing of the
 * machine's or the user's git configuration (credential helpers, url rewrites, proxies) takes part.
 */
public final class GitCli {

    public static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** What one git command did: its exit code and everything it printed (stdout and stderr). */
    public record Result(List<String> command, int exitCode, String output) {

        public boolean succeeded() {
            return exitCode == 0;
        }

        public Result orThrow() {
            if (!succeeded()) {
                throw new AssertionError(this);
            }
            return this;
        }

        @Override
        public String toString() {
            return "$ " + String.join(" ", command) + "\n" + output + "(exit " + exitCode + ")";
        }
    }

    private final Path home;

    public GitCli(Path home) {
        this.home = home;
    }

    /** A git with a fresh HOME under a new temp directory. */
    public static GitCli isolated() {
        try {
            return new GitCli(Files.createTempDirectory("git-home"));
        } catch (IOException e) {
            throw new IllegalStateException("could not create a HOME for git", e);
        }
    }

    public Result run(Path directory, String... args) {
        return run(directory, Map.of(), args);
    }

    public Result run(Path directory, Map<String, String> extraEnv, String... args) {
        List<String> command = new ArrayList<>();
        command.add("git");
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("GIT_"));
        env.put("HOME", home.toString());
        env.put("XDG_CONFIG_HOME", home.resolve(".config").toString());
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        env.put("GIT_TERMINAL_PROMPT", "0");
        env.put("GIT_AUTHOR_NAME", "Test Author");
        env.put("GIT_AUTHOR_EMAIL", "author@example.test");
        env.put("GIT_COMMITTER_NAME", "Test Author");
        env.put("GIT_COMMITTER_EMAIL", "author@example.test");
        env.put("LC_ALL", "C");
        env.putAll(extraEnv);
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            // Read on another thread so that a chatty git never blocks on a full pipe.
            var output = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return "(output unreadable: " + e.getMessage() + ")";
                }
            });
            if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("timed out after " + TIMEOUT + ": " + command);
            }
            return new Result(command, process.exitValue(), output.get(10, TimeUnit.SECONDS));
        } catch (IOException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("could not run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command, e);
        }
    }
}
