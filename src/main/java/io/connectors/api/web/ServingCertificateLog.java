package io.connectors.api.web;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.tls.CertificateUpdatedEvent;
import io.quarkus.tls.TlsConfiguration;
import io.quarkus.tls.TlsConfigurationRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * One log line per serving certificate actually in use: at start and whenever a periodic reload
 * of the TLS configuration brings a different certificate. Quarkus's own listener reports every
 * reload, changed or not, so application.properties keeps it at WARN.
 */
@ApplicationScoped
public class ServingCertificateLog {

    private static final Logger LOG = Logger.getLogger(ServingCertificateLog.class);

    private final Optional<String> configurationName;
    private final TlsConfigurationRegistry registry;
    private final AtomicReference<String> served = new AtomicReference<>();

    ServingCertificateLog(@ConfigProperty(name = "quarkus.http.tls-configuration-name") Optional<String> configurationName,
            TlsConfigurationRegistry registry) {
        this.configurationName = configurationName;
        this.registry = registry;
    }

    void started(@Observes StartupEvent event) {
        configurationName.flatMap(registry::get).ifPresent(this::record);
    }

    void updated(@Observes CertificateUpdatedEvent event) {
        if (configurationName.filter(name -> name.equalsIgnoreCase(event.name())).isPresent()) {
            record(event.tlsConfiguration());
        }
    }

    private void record(TlsConfiguration configuration) {
        X509Certificate certificate = firstCertificate(configuration.getKeyStore());
        if (certificate == null) {
            return;
        }
        String fingerprint = sha256(certificate);
        if (!fingerprint.equals(served.getAndSet(fingerprint))) {
            LOG.infof("Serving HTTPS with certificate %s, valid until %s, SHA-256 %s",
                    certificate.getSubjectX500Principal().getName(), certificate.getNotAfter().toInstant(), fingerprint);
        }
    }

    static X509Certificate firstCertificate(KeyStore keyStore) {
        if (keyStore == null) {
            return null;
        }
        try {
            for (String alias : Collections.list(keyStore.aliases())) {
                Certificate certificate = keyStore.getCertificate(alias);
                if (certificate instanceof X509Certificate x509) {
                    return x509;
                }
            }
        } catch (KeyStoreException e) {
            LOG.debugf("cannot read the serving key store: %s", e.getMessage());
        }
        return null;
    }

    static String sha256(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot fingerprint the serving certificate", e);
        }
    }
}
