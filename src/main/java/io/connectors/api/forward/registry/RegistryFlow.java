package io.connectors.api.forward.registry;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.connectors.api.config.ConnectorsConfig;
import io.connectors.api.forward.ForwardPlan;
import io.connectors.api.forward.credentials.Credentials;
import io.connectors.api.forward.credentials.SecretData;
import io.connectors.api.registry.RegistryLocations;
import io.connectors.api.request.Exchange;
import io.connectors.api.request.GatewayRoute;
import io.connectors.api.resolve.ResolvedConnector;
import io.fabric8.kubernetes.api.model.Secret;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import io.vertx.httpproxy.ProxyInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The registry token flow of proxy mode (distribution's token authentication): which requests take
 * part, the tokens (cached per Connector, Secret version, realm, service and scope) and the
 * challenges learnt from each registry. The work on one request is {@link RegistryInterceptor}'s.
 */
@ApplicationScoped
public class RegistryFlow {

    /** The upstream {@code oci} class's Secret type: username and password for the token service only. */
    public static final String REGISTRY_TOKEN_SECRET = "cpaas.io/distribution-registry-token";
    /** Secret types whose username and password may be given to a registry's token service. */
    static final Set<String> LOGIN_TYPES = Set.of(REGISTRY_TOKEN_SECRET, "kubernetes.io/basic-auth");

    private final RegistryTokenClient client;
    private final RegistryTokenCache tokens;
    /** The last Bearer challenge of each Connector's registry, for requests that need a token before they are sent. */
    private final Cache<String, Challenge> challenges;

    private final RegistryLocations locations;

    RegistryFlow(RegistryTokenClient client, ConnectorsConfig config, RegistryLocations locations) {
        this.client = client;
        this.locations = locations;
        long size = config.registry().upstreamTokenCacheSize();
        this.tokens = new RegistryTokenCache(size);
        this.challenges = Caffeine.newBuilder().maximumSize(size).expireAfterWrite(Duration.ofHours(1)).build();
    }

    /**
     * The interceptor for a proxy-mode request, when it has one: a Connector without a Secret or with
     * a login Secret gets the token flow; the registry route also gets its responses adapted (Location,
     * challenges, errors) whatever the Secret.
     */
    public Optional<ProxyInterceptor> interceptor(RoutingContext ctx, ForwardPlan plan) {
        if (!ForwardPlan.PROXY.equals(plan.mode())) {
            return Optional.empty();
        }
        Exchange exchange = Exchange.of(ctx);
        ResolvedConnector resolved = exchange.resolved();
        Optional<Secret> secret = resolved.secret();
        boolean tokenFlow = secret.isEmpty() || LOGIN_TYPES.contains(Credentials.typeOf(secret.get()));
        Optional<RegistryLocations.ForRoute> route = exchange.route() instanceof GatewayRoute.Registry registry
                ? Optional.of(locations.forRoute(ctx.request(), registry, plan.target()))
                : Optional.empty();
        String apiPath = exchange.route().apiPath().orElse("");
        if (route.isEmpty() && (!tokenFlow || !RegistryInterceptor.isRegistryApi(apiPath))) {
            return Optional.empty();
        }
        Optional<RegistryTokenClient.Login> login = secret.filter(s -> LOGIN_TYPES.contains(Credentials.typeOf(s)))
                .map(s -> new RegistryTokenClient.Login(SecretData.required(s, "username"),
                        SecretData.required(s, "password")));
        String version = secret.map(s -> s.getMetadata().getUid() + "/" + s.getMetadata().getResourceVersion())
                .orElse("");
        Connection connection = new Connection(resolved.namespace(), resolved.name(), version, login, plan, apiPath);
        return Optional.of(new RegistryInterceptor(this, connection, tokenFlow, route));
    }

    /** One Connector's registry, as one request sees it. */
    record Connection(String namespace, String name, String secretVersion, Optional<RegistryTokenClient.Login> login,
            ForwardPlan plan, String apiPath) {

        String what() {
            return "connector \"" + namespace + "/" + name + "\"";
        }

        String challengeKey() {
            return namespace + "/" + name + "/" + secretVersion;
        }
    }

    Future<RegistryToken> token(Connection connection, Challenge challenge, List<String> scopes) {
        challenges.put(connection.challengeKey(), challenge);
        RegistryTokenCache.Key key = new RegistryTokenCache.Key(connection.namespace(), connection.name(),
                connection.secretVersion(), challenge.param("realm").orElseThrow(), challenge.param("service").orElse(""),
                String.join(" ", scopes));
        java.util.concurrent.CompletableFuture<RegistryToken> token = tokens.get(key, () -> client.fetch(connection.plan().target(), challenge,
                scopes, connection.login(), connection.plan().trust(), connection.what()).toCompletionStage()
                .toCompletableFuture());
        // Back on the request's own context, whichever thread completed the shared fetch.
        io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
        return context == null ? Future.fromCompletionStage(token) : Future.fromCompletionStage(token, context);
    }

    /** The registry's challenge: the one it sent last, else asked for at {@code /v2/}. */
    Future<Optional<Challenge>> challenge(Connection connection) {
        Challenge known = challenges.getIfPresent(connection.challengeKey());
        if (known != null) {
            return Future.succeededFuture(Optional.of(known));
        }
        return client.probe(connection.plan().target(), connection.plan().trust(), connection.plan().upstream())
                .map(challenge -> challenge.filter(RegistryInterceptor::hasUrlRealm));
    }
}
