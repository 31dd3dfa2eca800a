package io.connectors.api.kube;

import io.fabric8.kubernetes.client.Config;
import io.quarkus.kubernetes.client.KubernetesConfigCustomizer;
import jakarta.inject.Singleton;

/**
 * Lifts fabric8's concurrency caps (64 requests, 5 per host by default) so that TokenReviews and
 * SubjectAccessReviews of a busy gateway do not queue behind each other (kube-rbac-proxy PR#285),
 * and turns off fabric8's own retries: a review that fails must fail closed now (503), not hold
 * the caller through seconds of back-off. Informers keep retrying through their exception handler.
 */
@Singleton
public class KubernetesClientTuning implements KubernetesConfigCustomizer {

    static final int MAX_CONCURRENT_REQUESTS = 1024;

    @Override
    public void customize(Config config) {
        config.setMaxConcurrentRequests(MAX_CONCURRENT_REQUESTS);
        config.setMaxConcurrentRequestsPerHost(MAX_CONCURRENT_REQUESTS);
        config.setRequestRetryBackoffLimit(0);
    }
}
