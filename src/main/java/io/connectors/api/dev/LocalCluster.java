package io.connectors.api.dev;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away etcd + kube-apiserver on 127.0.0.1, started by {@code scripts/local-cluster.sh}
 * (which builds or reuses the binaries). Used by dev mode's embedded default and by the
 * end-to-end tests; it holds static-token users admin, alice, bob and carol.
 */
public record LocalCluster(Path dir, String apiUrl, Path caFile, Map<String, String> env) {

    /** The first start on a new machine builds kube-apiserver from source: allow for it. */
    private static final Duration START_TIMEOUT = Duration.ofMinutes(40);

    public static LocalCluster start(Path projectDir, Path dir) {
        Path script = projectDir.resolve("scripts/local-cluster.sh");
        run(script, "start", dir);
        return read(dir.resolve("cluster.env"), dir);
    }

    public void stop(Path projectDir) {
        run(projectDir.resolve("scripts/local-cluster.sh"), "stop", dir);
    }

    /** Stops the kube-apiserver only; etcd, the port, the certificates and the tokens stay (fault tests). */
    public void stopApiServer(Path projectDir) {
        run(projectDir.resolve("scripts/local-cluster.sh"), "apiserver-stop", dir);
    }

    /** Starts the kube-apiserver stopped by {@link #stopApiServer} again, as it was, and waits until it is ready. */
    public void startApiServer(Path projectDir) {
        run(projectDir.resolve("scripts/local-cluster.sh"), "apiserver-start", dir);
    }

    public String token(String user) {
        String token = env.get("KUBE_TOKEN_" + user.toUpperCase());
        if (token == null) {
            throw new IllegalArgumentException("no such user in the local cluster: " + user);
        }
        return token;
    }

    /** A fabric8 configuration for one of the cluster's static-token users. */
    public Config config(String user) {
        return new ConfigBuilder(Config.empty()).withMasterUrl(apiUrl).withOauthToken(token(user))
                .withCaCertFile(caFile.toString()).withRequestRetryBackoffLimit(0).build();
    }

    public String caPem() {
        try {
            return Files.readString(caFile);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + caFile, e);
        }
    }

    private static void run(Path script, String command, Path dir) {
        try {
            Files.createDirectories(dir);
            Path log = dir.resolve("local-cluster-" + command + ".log");
            Process process = new ProcessBuilder("bash", script.toString(), command, dir.toAbsolutePath().toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE)
                    .start();
            process.getOutputStream().close();
            if (!process.waitFor(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("local-cluster.sh " + command + " did not finish; see " + log);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("local-cluster.sh " + command + " failed (exit " + process.exitValue()
                        + "); see " + log + ":\n" + tail(log));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + script, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + script, e);
        }
    }

    private static String tail(Path log) throws IOException {
        var lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }

    static LocalCluster read(Path envFile, Path dir) {
        Map<String, String> env = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(envFile, StandardCharsets.UTF_8)) {
                int eq = line.indexOf('=');
                if (eq > 0 && !line.startsWith("#")) {
                    env.put(line.substring(0, eq), unquote(line.substring(eq + 1)));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + envFile, e);
        }
        return new LocalCluster(dir, env.get("KUBE_API_URL"), Path.of(env.get("KUBE_CA_FILE")), Map.copyOf(env));
    }

    /** Undoes the shell quoting the script writes ('…' with '\'' for quotes inside). */
    static String unquote(String value) {
        if (value.length() >= 2 && value.startsWith("'") && value.endsWith("'")) {
            return value.substring(1, value.length() - 1).replace("'\\''", "'");
        }
        return value;
    }
}
