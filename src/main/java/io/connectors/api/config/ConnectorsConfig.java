package io.connectors.api.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** Every knob of the gateway, under {@code connectors.*}; each is overridable by environment variable. */
@ConfigMapping(prefix = "connectors")
public interface ConnectorsConfig {

    /** Namespace of the gateway's own objects: the feature-flag ConfigMap, CA-certificate Secrets. */
    @WithDefault("connectors-system")
    String systemNamespace();

    /** Namespaces whose Connectors (and their Secrets) are served; empty means all namespaces. */
    Optional<List<String>> namespaces();

    /** Name of the feature-flag ConfigMap in the system namespace. */
    @WithDefault("connectors-config")
    String configMapName();

    Secrets secrets();

    Auth auth();

    Proxy proxy();

    CustomApi customApi();

    StatusWriter statusWriter();

    Metrics metrics();

    interface Secrets {
        /**
         * Keep Secrets that can never be a Connector's credentials (service-account tokens, Helm
         * releases) out of the informer, and so out of memory.
         */
        @WithDefault("true")
        boolean skipUnusableTypes();

        /**
         * Whether {@code spec.auth.secretRef.namespace} may point outside the Connector's namespace.
         * Off by default: it would let whoever writes a Connector spend another namespace's Secret.
         */
        @WithDefault("false")
        boolean allowCrossNamespace();
    }

    interface Auth {
        /** Audiences asked for in TokenReviews; empty means the API server's default. */
        Optional<List<String>> audiences();

        @WithDefault("2m")
        Duration tokenTtl();

        @WithDefault("5m")
        Duration allowTtl();

        @WithDefault("30s")
        Duration denyTtl();

        /** Entries per cache (tokens; access decisions). */
        @WithDefault("10000")
        long cacheSize();
    }

    interface Proxy {
        @WithDefault("10s")
        Duration connectTimeout();

        /** Longest silence from the tool, before or during the response; there is no total timeout. */
        @WithDefault("60s")
        Duration idleTimeout();

        /** Largest request body accepted, by Content-Length; unset means no limit. */
        OptionalLong maxRequestBytes();

        /** Connections kept per tool (host, port). */
        @WithDefault("64")
        int maxPoolSize();

        /** Whether inbound X-Forwarded-* headers are kept (only behind a trusted proxy). */
        @WithDefault("false")
        boolean trustForwardedHeaders();

        /** Whether the tool's Set-Cookie headers reach the caller. */
        @WithDefault("false")
        boolean passSetCookie();

        /** Accept any TLS certificate from tools. For labs only. */
        @WithDefault("false")
        boolean insecureSkipVerify();
    }

    interface CustomApi {
        /** Scheme used when a ConnectorClass's spec.api.ref names a Service. */
        @WithDefault("http")
        String serviceScheme();

        @WithDefault("cluster.local")
        String clusterDomain();
    }

    interface StatusWriter {
        @WithDefault("true")
        boolean enabled();

        @WithName("lease-name")
        @WithDefault("connectors-api-status-writer")
        String leaseName();

        /** How often the leader re-checks every status, on top of reacting to changes. */
        @WithDefault("5m")
        java.time.Duration resync();
    }

    interface Metrics {
        /**
         * Most distinct (namespace, class) pairs labelling {@code connectors_requests_seconds};
         * further pairs are counted under {@code _other}, so label memory stays bounded whoever calls.
         */
        @WithDefault("500")
        int maxLabelValues();
    }
}
