package io.connectors.api.support;

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

    /** {@link #run(List, Path, Map, Path, Duration)} with the output in a new file under {@code dir}. */
    public static Result run(List<String> command, Path dir, Map<String, String> env, Duration timeout) {
        try {
            return run(command, dir, env, Files.createTempFile(dir, "out-", ".log"), timeout);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.get(0), e);
        }
    }

    /** Runs a command that must succeed within a minute; its output. */
    public static String check(List<String> command, Path dir) {
        Result result = run(command, dir, Map.of(), Duration.ofSeconds(60));
        if (result.exitCode() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + result.output());
        }
        return result.output();
    }

    public static Result run(List<String> command, Path dir, Map<String, String> env, Path log, Duration timeout) {
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
    public static Process start(List<String> command, Path dir, Map<String, String> env, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
        // npm settings from the developer's or CI's environment must not leak into a test's npm.
        builder.environment().keySet().removeIf(key -> key.toLowerCase().startsWith("npm_config_"));
        builder.environment().putAll(env);
        Process process = builder.start();
        process.getOutputStream().close();
        return process;
    }

    /** Children first, so none is re-parented and left running; SIGKILL after a grace period. */
    public static void destroyTree(ProcessHandle root) {
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
