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
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.TrustOptions;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
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
 * decompressed: what the tool sends is what the caller gets. A client that leaves the cache (size,
 * expiry) is retired, never closed under a call that still streams through it.
 */
@Singleton
public class UpstreamClients {

    private static final Logger LOG = Logger.getLogger(UpstreamClients.class);
    private static final String SYSTEM_TRUST = "";
    private static final int MAX_CHUNK_BYTES = 64 * 1024;
    private static final long MAX_CLIENTS = 1024;

    private final Vertx vertx;
    private final ConnectorsConfig.Proxy config;
    private final EnvironmentProxy environmentProxy;
    private final Cache<ClientKey, Pooled> clients;

    @Inject
    UpstreamClients(Vertx vertx, ConnectorsConfig config) {
        this(vertx, config, MAX_CLIENTS);
    }

    UpstreamClients(Vertx vertx, ConnectorsConfig config, long maxClients) {
        this.vertx = vertx;
        this.config = config.proxy();
        this.environmentProxy = EnvironmentProxy.fromEnvironment(System.getenv());
        this.clients = Caffeine.newBuilder()
                .maximumSize(maxClients)
                .expireAfterAccess(Duration.ofMinutes(30))
                // Upkeep on the calling thread: the removal listener only marks a client as retired.
                .executor(Runnable::run)
                .<ClientKey, Pooled>removalListener((key, pooled, cause) -> {
                    if (pooled != null) {
                        pooled.retire();
                    }
                })
                .build();
    }

    /**
     * The client for this target on the calling event loop, for a short call that starts at once:
     * it is held until its request has had the time to connect (then its connection keeps it open).
     */
    public HttpClient client(UpstreamTarget target, Optional<TrustBundle> trust) {
        Lease lease = lease(target, trust);
        vertx.setTimer(config.connectTimeout().toMillis() + 1_000, id -> lease.release());
        return lease.client();
    }

    /**
     * The client for this target on the calling event loop, kept open until {@link Lease#release()}
     * even if it leaves the cache meanwhile: for a call that may last (a download, a watch), which
     * waits for its turn before it opens a connection.
     */
    public Lease lease(UpstreamTarget target, Optional<TrustBundle> trust) {
        ClientKey key = key(target, trust);
        while (true) {
            Pooled[] created = new Pooled[1];
            Pooled pooled = clients.get(key, k -> created[0] = create(k, trust));
            // A new client comes leased to whoever asked for it: it may leave the cache at once (no
            // room for it), and would otherwise be closed before its first call.
            if (pooled == created[0] || pooled.lease()) {
                return new Lease(pooled);
            }
        }
    }

    private ClientKey key(UpstreamTarget target, Optional<TrustBundle> trust) {
        return new ClientKey(target.tls(), proxied(target), trust.map(TrustBundle::key).orElse(SYSTEM_TRUST), eventLoop());
    }

    /** A client held by one call; {@link #release()} once the call is over (more than once is harmless). */
    public static final class Lease {
        private final Pooled pooled;
        private boolean released;

        private Lease(Pooled pooled) {
            this.pooled = pooled;
        }

        public HttpClient client() {
            return pooled.client;
        }

        public void release() {
            if (!released) {
                released = true;
                pooled.released();
            }
        }
    }

    /**
     * A cached client and what still uses it: the calls that lease it and its open connections.
     * Closing a Vert.x client closes its connections, those in use too, so one that leaves the cache
     * (size, expiry) is only retired: it gets no new calls and is closed once nothing uses it. Idle
     * pooled connections close by themselves after the keep-alive timeout, so a retired client's
     * count falls to 0 once its last call is over.
     */
    private static final class Pooled {
        private HttpClient client;
        private int leases = 1;
        private int connections;
        private boolean retired;
        private boolean closed;

        synchronized boolean lease() {
            if (closed) {
                return false;
            }
            leases++;
            return true;
        }

        void released() {
            boolean close;
            synchronized (this) {
                leases--;
                close = unused();
            }
            closeIf(close);
        }

        void opened(HttpConnection connection) {
            synchronized (this) {
                connections++;
            }
            connection.closeHandler(v -> {
                boolean close;
                synchronized (this) {
                    connections--;
                    close = unused();
                }
                closeIf(close);
            });
        }

        void retire() {
            boolean close;
            synchronized (this) {
                retired = true;
                close = unused();
            }
            closeIf(close);
        }

        /** Whether the client is to be closed now (once); guarded by the caller. */
        private boolean unused() {
            if (retired && !closed && leases == 0 && connections == 0) {
                closed = true;
                return true;
            }
            return false;
        }

        private void closeIf(boolean close) {
            if (close) {
                client.close();
            }
        }

        /** At shutdown: whatever still uses it ends now. */
        void closeNow() {
            synchronized (this) {
                retired = true;
                closed = true;
            }
            client.close();
        }
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

    private Pooled create(ClientKey key, Optional<TrustBundle> trust) {
        Pooled pooled = new Pooled();
        pooled.client = vertx.httpClientBuilder()
                .with(options(key.tls(), key.proxied(), trust))
                .with(poolOptions())
                .withConnectHandler(pooled::opened)
                .build();
        return pooled;
    }

    private HttpClientOptions options(boolean tls, boolean proxied, Optional<TrustBundle> trust) {
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
        return options;
    }

    // WaitingLines lets at most max-pool-size calls per upstream through at once, so a pool of that
    // size never makes one wait; its own queue is bounded all the same, as a backstop.
    private PoolOptions poolOptions() {
        return new PoolOptions().setHttp1MaxSize(config.maxPoolSize())
                .setHttp2MaxSize(config.maxPoolSize()).setMaxWaitQueueSize(4 * config.maxWaitingRequests());
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
        clients.asMap().values().forEach(Pooled::closeNow);
        clients.invalidateAll();
        clients.cleanUp();
    }
}
