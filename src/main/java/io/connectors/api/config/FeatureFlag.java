package io.connectors.api.config;

/** The feature flags read from the {@code connectors-config} ConfigMap (string values, default "false"). */
public enum FeatureFlag {
    WRITE_PASSTHROUGH("enable-connector-apis-write-passthrough"),
    API_PERMISSIONS("enable-connector-apis-permissions"),
    CUSTOM_CA_CERTS("enable-custom-ca-certs"),
    /** The forward proxy asks, besides {@code get}, for the method's verb on {@code connectors/proxy}. */
    PROXY_PERMISSIONS("enable-connector-proxy-permissions");

    private final String key;

    FeatureFlag(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }
}
