package io.connectors.api.forwardproxy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.connectors.api.config.ConnectorsConfig;
import io.connectors.api.errors.GatewayError;
import io.connectors.api.forward.credentials.SecretData;
import io.connectors.api.resolve.InformerCaches;
import io.fabric8.kubernetes.api.model.Secret;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import jakarta.inject.Singleton;
import java.security.cert.X509Certificate;
import org.jboss.logging.Logger;

/**
 * The TLS the forward proxy serves inside a {@code CONNECT} tunnel: a certificate for the tunnel's
 * host issued by the CA of the {@code kubernetes.io/tls} Secret {@code connectors.forward-proxy.ca-secret}
 * (watched: a replaced CA issues from the next tunnel on). Issued certificates are kept per host,
 * bounded; issuing (a signature) runs off the event loop.
 */
@Singleton
public class TunnelCertificates {

    private static final Logger LOG = Logger.getLogger(TunnelCertificates.class);

    private final InformerCaches caches;
    private final ConnectorsConfig config;
    private final Vertx vertx;
    /** Keyed by the CA Secret's version and the host: a new CA is never served an old certificate. */
    private final Cache<String, Future<SslContext>> contexts;
    private volatile Issuer issuer;

    TunnelCertificates(InformerCaches caches, ConnectorsConfig config, Vertx vertx) {
        this.caches = caches;
        this.config = config;
        this.vertx = vertx;
        this.contexts = Caffeine.newBuilder().maximumSize(config.forwardProxy().maxCertificates()).build();
    }

    private record Issuer(String version, CertificateIssuer issuer) {
    }

    /** Whether CONNECT can be served at all: the CA Secret is there. */
    public void requireCa() {
        if (caches.proxyCaSecret().isEmpty()) {
            throw GatewayError.methodNotAllowed("CONNECT is not available: the gateway has no CA to issue tunnel"
                    + " certificates with (the kubernetes.io/tls Secret \"" + config.forwardProxy().caSecret()
                    + "\" in namespace \"" + config.systemNamespace() + "\"); use http:// URLs through this proxy");
        }
    }

    /** The server-side TLS context for a tunnel to {@code host}. */
    public Future<SslContext> forHost(String host) {
        requireCa();
        Secret secret = caches.proxyCaSecret().orElseThrow();
        String version = secret.getMetadata().getResourceVersion() + "/" + secret.getMetadata().getUid();
        Future<SslContext> context = contexts.get(version + "/" + host, key -> vertx.executeBlocking(() -> build(secret, version, host), false));
        // A failed issue is not kept: the next tunnel tries again (after the Secret is fixed).
        return context.onFailure(failure -> contexts.invalidate(version + "/" + host));
    }

    private SslContext build(Secret secret, String version, String host) throws Exception {
        Issuer current = issuer;
        if (current == null || !current.version().equals(version)) {
            try {
                current = new Issuer(version, CertificateIssuer.fromPem(SecretData.required(secret, "tls.crt"),
                        SecretData.required(secret, "tls.key")));
            } catch (IllegalArgumentException unusable) {
                LOG.errorf("the forward proxy's CA Secret %s/%s is unusable: %s", config.systemNamespace(),
                        config.forwardProxy().caSecret(), unusable.getMessage());
                throw GatewayError.internal("the forward proxy's CA Secret is unusable: " + unusable.getMessage());
            }
            issuer = current;
        }
        CertificateIssuer.Issued issued = current.issuer().issue(host);
        // ALPN is not offered: clients then speak HTTP/1.1 in the tunnel, which the gateway reads.
        return SslContextBuilder.forServer(issued.key(), issued.chain().toArray(X509Certificate[]::new))
                .sslProvider(SslProvider.JDK).build();
    }
}
