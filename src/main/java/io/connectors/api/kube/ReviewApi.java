package io.connectors.api.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Creates review objects (TokenReview, SubjectAccessReview) and reads other small documents
 * without blocking: the fabric8 HTTP client's async API, with the client's own credentials and TLS.
 * fabric8 has no client-side QPS limiter, so busy gateways do not queue their reviews.
 */
@ApplicationScoped
public class ReviewApi {

    private final KubernetesClient client;

    protected ReviewApi(KubernetesClient client) {
        this.client = client;
    }

    public <T> CompletableFuture<T> create(String apiPath, Object body, Class<T> type) {
        KubernetesSerialization serialization = client.getKubernetesSerialization();
        HttpClient http = client.getHttpClient();
        HttpRequest request = http.newHttpRequestBuilder()
                .uri(url(apiPath))
                .post("application/json", serialization.asJson(body).getBytes(StandardCharsets.UTF_8))
                .build();
        return http.sendAsync(request, String.class).thenApply(response -> parse(response, type, serialization));
    }

    /** The raw JSON body of a GET (for documents that are not Kubernetes resources, like /version). */
    public CompletableFuture<String> getJson(String apiPath) {
        HttpClient http = client.getHttpClient();
        HttpRequest request = http.newHttpRequestBuilder().uri(url(apiPath)).build();
        return http.sendAsync(request, String.class).thenApply(response -> {
            if (!response.isSuccessful()) {
                throw new CompletionException(new ApiCallFailed(response.code()));
            }
            return response.body();
        });
    }

    private String url(String apiPath) {
        String base = client.getMasterUrl().toString();
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + apiPath;
    }

    private static <T> T parse(HttpResponse<String> response, Class<T> type, KubernetesSerialization serialization) {
        if (!response.isSuccessful()) {
            throw new CompletionException(new ApiCallFailed(response.code()));
        }
        return serialization.unmarshal(response.body(), type);
    }

    /** The API server answered with an error code. Carries no response body: it may echo a token. */
    public static final class ApiCallFailed extends RuntimeException {
        public ApiCallFailed(int code) {
            super("API server answered " + code, null, false, false);
        }
    }
}
