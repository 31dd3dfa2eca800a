package io.connectors.api.e2e.npm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command to completion with a time limit. Output goes to a file, not a pipe, so a chatty
 * child can never block on a full pipe buffer; on timeout the whole process tree is killed.
 */
public final class ChildProcess {

    public record Result(int exitCode, String output) {
    }

    private ChildProcess() {
    }

    static Result run(List<String> command, Path dir, Map<String, String> env, Path log, Duration timeout) {
        try {
            Process process = start(command, dir, env, log);
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                destroyTree(process.toHandle());
                throw new IllegalStateException(command.get(0) + " did not finish within " + timeout + ":\n"
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.get(0), e);
        }
    }

    /** Starts a command with stdin closed (nothing may wait for a prompt) and output into {@code log}. */
    static Process start(List<String> command, Path dir, Map<String, String> env, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
        // Settings from the developer's or CI's environment must not leak into the test's npm.
        builder.environment().keySet().removeIf(key -> key.toLowerCase().startsWith("npm_config_"));
        builder.environment().putAll(env);
        Process process = builder.start();
        process.getOutputStream().close();
        return process;
    }

    /** Children first, so none is re-parented and left running; SIGKILL after a grace period. */
    static void destroyTree(ProcessHandle root) {
        List<ProcessHandle> tree = new java.util.ArrayList<>(root.descendants().toList());
        tree.add(root);
        tree.forEach(ProcessHandle::destroy);
        for (ProcessHandle process : tree) {
            try {
                process.onExit().get(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                process.destroyForcibly();
            }
        }
    }
}
