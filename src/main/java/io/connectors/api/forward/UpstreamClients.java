package io.connectors.api.forward;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.connectors.api.config.ConnectorsConfig;
import io.connectors.api.errors.GatewayError;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.TrustOptions;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.jboss.logging.Logger;

/**
 * Vert.x HTTP clients towards tools, one per trust configuration (system trust store, or system
 * trust store plus a {@link TrustBundle}) and per event loop, each with its own connection pools.
 * Per event loop, because a pooled connection belongs to the event loop that opened it: a request
 * from another loop that borrows it has each of its writes and events handed between the two
 * threads (a queue and a wake-up each time). How many calls an upstream gets at once, across the
 * loops, is {@link WaitingLines}' to bound. Redirects are never followed and bodies are never
 * decompressed: what the tool sends is what the caller gets.
 */
@Singleton
public class UpstreamClients {

    private static final Logger LOG = Logger.getLogger(UpstreamClients.class);
    private static final String SYSTEM_TRUST = "";
    private static final int MAX_CHUNK_BYTES = 64 * 1024;

    private final Vertx vertx;
    private final ConnectorsConfig.Proxy config;
    private final EnvironmentProxy environmentProxy;
    private final Cache<ClientKey, HttpClient> clients;

    UpstreamClients(Vertx vertx, ConnectorsConfig config) {
        this.vertx = vertx;
        this.config = config.proxy();
        this.environmentProxy = EnvironmentProxy.fromEnvironment(System.getenv());
        this.clients = Caffeine.newBuilder()
                .maximumSize(1024)
                .expireAfterAccess(Duration.ofMinutes(30))
                .<ClientKey, HttpClient>removalListener((key, client, cause) -> {
                    if (client != null) {
                        client.close();
                    }
                })
                .build();
    }

    /** The client for this target on the calling event loop. */
    public HttpClient client(UpstreamTarget target, Optional<TrustBundle> trust) {
        boolean proxied = proxied(target);
        ClientKey key = new ClientKey(target.tls(), proxied, trust.map(TrustBundle::key).orElse(SYSTEM_TRUST),
                eventLoop());
        return clients.get(key, k -> create(target.tls(), proxied, trust));
    }

    /** The calling event loop, compared by identity; null off the event loops. */
    private static Object eventLoop() {
        Context context = Vertx.currentContext();
        return context instanceof ContextInternal internal ? internal.nettyEventLoop() : null;
    }

    private record ClientKey(boolean tls, boolean proxied, String trust, Object eventLoop) {
    }

    /**
     * Whether an HTTP(S)_PROXY carries requests to this target. Direct targets get clients
     * without proxy settings: {@link Destinations} pins them to a checked IP address, and
     * Vert.x would match that IP, no longer the host name, against NO_PROXY.
     */
    public boolean proxied(UpstreamTarget target) {
        return environmentProxy.applies(target);
    }

    private HttpClient create(boolean tls, boolean proxied, Optional<TrustBundle> trust) {
        HttpClientOptions options = new HttpClientOptions()
                .setConnectTimeout((int) config.connectTimeout().toMillis())
                .setKeepAlive(true)
                // Bodies move in the chunks the socket reads, up to 64 KiB, not Vert.x's 8 KiB default:
                // each chunk is one write (and flush) to the caller, so large downloads cost a quarter
                // as many system calls.
                .setMaxChunkSize(MAX_CHUNK_BYTES)
                .setDecompressionSupported(false)
                .setTryUseCompression(false)
                .setForceSni(true)
                .setVerifyHost(true);
        if (config.insecureSkipVerify()) {
            options.setTrustAll(true).setVerifyHost(false);
        } else if (trust.isPresent()) {
            options.setTrustOptions(TrustOptions.wrap(trustManager(trust.get())));
        }
        if (proxied) {
            environmentProxy.apply(options, tls);
        }
        // WaitingLines lets at most max-pool-size calls per upstream through at once, so a pool of that
        // size never makes one wait; its own queue is bounded all the same, as a backstop.
        PoolOptions pool = new PoolOptions().setHttp1MaxSize(config.maxPoolSize())
                .setHttp2MaxSize(config.maxPoolSize()).setMaxWaitQueueSize(4 * config.maxWaitingRequests());
        return vertx.createHttpClient(options, pool);
    }

    /** The JDK's default CAs plus the bundle's, so a custom CA adds to the system trust store. */
    static TrustManager trustManager(TrustBundle bundle) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            TrustManagerFactory system = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            system.init((KeyStore) null);
            int index = 0;
            for (TrustManager manager : system.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    for (X509Certificate issuer : x509.getAcceptedIssuers()) {
                        store.setCertificateEntry("system-" + index++, issuer);
                    }
                }
            }
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (String pem : bundle.pems()) {
                for (Certificate certificate : factory.generateCertificates(
                        new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
                    store.setCertificateEntry("bundle-" + index++, certificate);
                }
            }
            TrustManagerFactory combined = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            combined.init(store);
            return combined.getTrustManagers()[0];
        } catch (Exception e) {
            LOG.warnf("CA certificates from %s could not be loaded: %s", bundle.key(), e.getClass().getSimpleName());
            throw GatewayError.internal("the CA certificates configured for this connector could not be loaded");
        }
    }

    @PreDestroy
    void close() {
        clients.invalidateAll();
        clients.cleanUp();
    }
}
