package io.connectors.api.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway's serving certificate for the end-to-end tests: a CA of its own and a certificate
 * for 127.0.0.1 and localhost, made with openssl (as scripts/local-cluster.sh makes the API
 * server's). The files sit in {@code mount/} the way kubelet lays out a mounted kubernetes.io/tls
 * Secret ({@code tls.crt -> ..data/tls.crt}, {@code ..data -> ..<version>/}), and {@link #issue()}
 * replaces them the way kubelet does when the Secret changes: a new version directory, then one
 * atomic rename of the {@code ..data} link.
 */
final class GatewayTls {

    private final Path dir;
    private final AtomicInteger versions = new AtomicInteger();

    private GatewayTls(Path dir) {
        this.dir = dir;
    }

    /** A new CA and a first serving certificate under {@code dir}. */
    static GatewayTls create(Path dir) {
        GatewayTls tls = new GatewayTls(dir);
        try {
            Files.createDirectories(dir.resolve("mount"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot create " + dir, e);
        }
        tls.openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
                "-days", "2", "-subj", "/CN=connectors-api-test-ca",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        tls.issue();
        return tls;
    }

    /** The CA that signs every serving certificate: what callers trust. */
    Path caFile() {
        return dir.resolve("ca.crt");
    }

    /** The paths the gateway is configured with (they stay the same across rotations). */
    Path certFile() {
        return dir.resolve("mount/tls.crt");
    }

    Path keyFile() {
        return dir.resolve("mount/tls.key");
    }

    /** The certificate currently in the mounted files. */
    X509Certificate current() {
        return read(certFile());
    }

    /** A new key and certificate from the same CA, swapped in atomically; returns the certificate. */
    X509Certificate issue() {
        Path mount = dir.resolve("mount");
        String version = "..v" + versions.incrementAndGet();
        Path versionDir = mount.resolve(version);
        try {
            Files.createDirectories(versionDir);
            openssl(versionDir, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "tls.key", "-out", "tls.csr",
                    "-subj", "/CN=connectors-api");
            Files.writeString(versionDir.resolve("tls.ext"), String.join("\n", "basicConstraints=CA:FALSE",
                    "keyUsage=critical,digitalSignature,keyEncipherment", "extendedKeyUsage=serverAuth",
                    "subjectAltName=DNS:localhost,IP:127.0.0.1") + "\n");
            openssl(versionDir, "x509", "-req", "-in", "tls.csr", "-CA", dir.resolve("ca.crt").toString(),
                    "-CAkey", dir.resolve("ca.key").toString(), "-CAcreateserial",
                    "-CAserial", dir.resolve("ca.srl").toString(), "-days", "2", "-extfile", "tls.ext",
                    "-out", "tls.crt");
            Files.delete(versionDir.resolve("tls.csr"));
            Files.delete(versionDir.resolve("tls.ext"));
            Path next = mount.resolve("..data_tmp");
            Files.deleteIfExists(next);
            Files.createSymbolicLink(next, Path.of(version));
            Files.move(next, mount.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
            for (String file : List.of("tls.crt", "tls.key")) {
                if (!Files.isSymbolicLink(mount.resolve(file))) {
                    Files.createSymbolicLink(mount.resolve(file), Path.of("..data", file));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the serving certificate under " + mount, e);
        }
        return read(versionDir.resolve("tls.crt"));
    }

    static X509Certificate read(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (IOException | CertificateException e) {
            throw new IllegalStateException("cannot read " + pem, e);
        }
    }

    private void openssl(Path workDir, String... args) {
        List<String> command = new java.util.ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                    .start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("openssl " + args[0] + " failed: " + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run openssl (scripts/local-cluster.sh needs it too)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running openssl", e);
        }
    }
}
