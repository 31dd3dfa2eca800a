package io.connectors.api.forward.registry;

import io.connectors.api.config.ConnectorsConfig;
import io.connectors.api.errors.GatewayError;
import io.connectors.api.forward.Destinations;
import io.connectors.api.forward.TrustBundle;
import io.connectors.api.forward.UpstreamClients;
import io.connectors.api.forward.UpstreamTarget;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Talks to registries' token services (distribution's token protocol: {@code GET realm?service=…&scope=…},
 * Basic credentials or none) and asks a registry for its challenge. Every realm is a destination
 * like any tool: checked by {@link Destinations} before anything is sent, and connected to at the
 * checked address. Non-blocking throughout; answers are read up to {@value #MAX_BODY} bytes.
 */
@ApplicationScoped
public class RegistryTokenClient {

    private static final Logger LOG = Logger.getLogger(RegistryTokenClient.class);
    static final int MAX_BODY = 64 * 1024;

    private final UpstreamClients clients;
    private final Destinations destinations;
    private final ConnectorsConfig.Proxy config;

    RegistryTokenClient(UpstreamClients clients, Destinations destinations, ConnectorsConfig config) {
        this.clients = clients;
        this.destinations = destinations;
        this.config = config.proxy();
    }

    /** Username and password for a token service; never logged, never in a message. */
    public record Login(String username, String password) {

        String basic() {
            return "Basic " + Base64.getEncoder().encodeToString(
                    (username + ":" + password).getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String toString() {
            return "Login[***]";
        }
    }

    /**
     * A token for {@code scopes} from the challenge's realm. {@code what} names the Connector in
     * messages. The realm is chosen by the registry, so what the caller learns of it is bounded: a
     * realm on a refused destination is a 403 (nothing sent); any other failure (unreachable, a
     * status other than 200, no usable token) is one and the same 502, without the realm's status or
     * body, else the Connector's author could probe ports through the registry's challenge. The
     * details go to the log.
     */
    public Future<RegistryToken> fetch(UpstreamTarget registry, Challenge challenge, List<String> scopes,
            Optional<Login> login, Optional<TrustBundle> trust, String what) {
        String realm = challenge.param("realm").orElseThrow();
        UpstreamTarget target = UpstreamTarget.parse(realm, "the token realm of " + what);
        try {
            requireRegistryScheme(registry, target, what);
        } catch (GatewayError refused) {
            return Future.failedFuture(refused);
        }
        StringBuilder query = new StringBuilder();
        challenge.param("service").ifPresent(service -> query.append("service=").append(encode(service)));
        for (String scope : scopes) {
            query.append(query.isEmpty() ? "" : "&").append("scope=").append(encode(scope));
        }
        String uri = requestUri(realm, target, query.toString());
        String upstream = "the token service of " + what;
        GatewayError noToken = GatewayError.badGateway(upstream + " issued no token" + (login.isPresent()
                ? ": check the registry credentials in the connector's secret" : " to an anonymous token request"));
        return get(target, uri, login, trust, upstream).compose(response -> {
            if (response.status != 200) {
                LOG.infof("%s at %s answered %d", upstream, target.origin(), response.status);
                return Future.failedFuture(noToken);
            }
            return Future.succeededFuture(parse(response.body, upstream));
        }).recover(failure -> {
            if (failure instanceof GatewayError refused && refused.code() == 403) {
                return Future.failedFuture(refused);
            }
            LOG.infof("%s at %s issued no token: %s", upstream, target.origin(),
                    failure instanceof GatewayError error ? error.getMessage() : failure.getClass().getName());
            return Future.failedFuture(noToken);
        });
    }

    /**
     * The registry chooses the realm, and the Connector's password goes there: from an https
     * registry only to an https realm, so a challenge cannot send it over plain HTTP (an http
     * registry may name an https realm).
     */
    static void requireRegistryScheme(UpstreamTarget registry, UpstreamTarget realm, String what) {
        if (registry.tls() && !realm.tls()) {
            LOG.infof("refused the token realm of %s: http://%s for an https registry", what, realm.authority());
            throw GatewayError.badGateway("the registry of " + what + " named a plain-HTTP token service;"
                    + " the registry is HTTPS, so no credentials are sent there");
        }
    }

    /** The Bearer challenge of the registry at {@code target} ({@code GET <base>/v2/}), if it answers with one. */
    public Future<Optional<Challenge>> probe(UpstreamTarget target, Optional<TrustBundle> trust, String upstream) {
        return get(target, target.requestUri("/v2/", null), Optional.empty(), trust, upstream)
                .map(response -> response.status == 401 ? Challenge.bearer(response.challenges) : Optional.empty());
    }

    private record Answer(int status, List<String> challenges, Buffer body) {
    }

    private Future<Answer> get(UpstreamTarget target, String uri, Optional<Login> login, Optional<TrustBundle> trust,
            String upstream) {
        return destinations.resolve(target, upstream).compose(destination -> {
            RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET)
                    .setHost(target.host()).setPort(target.port()).setSsl(target.tls()).setURI(uri)
                    .setFollowRedirects(false)
                    .setConnectTimeout(config.poolWaitTimeout().plus(config.connectTimeout()).toMillis())
                    .setIdleTimeout(config.idleTimeout().toMillis())
                    .putHeader(HttpHeaders.ACCEPT, "application/json");
            login.ifPresent(l -> options.putHeader(HttpHeaders.AUTHORIZATION, l.basic()));
            destination.apply(options);
            return clients.client(target, trust).request(options)
                    .compose(request -> request.send())
                    .compose(response -> read(response, upstream));
        }).recover(failure -> Future.failedFuture(failure instanceof GatewayError ? failure
                : GatewayError.badGateway(upstream + " at " + target.origin() + " could not be reached")));
    }

    private static Future<Answer> read(HttpClientResponse response, String upstream) {
        Promise<Answer> answer = Promise.promise();
        Buffer body = Buffer.buffer();
        List<String> challenges = List.copyOf(response.headers().getAll(io.netty.handler.codec.http.HttpHeaderNames.WWW_AUTHENTICATE));
        response.exceptionHandler(answer::tryFail);
        response.handler(chunk -> {
            if (body.length() + chunk.length() > MAX_BODY) {
                answer.tryFail(GatewayError.badGateway(upstream + " sent an answer larger than " + MAX_BODY + " bytes"));
                response.request().reset();
                return;
            }
            body.appendBuffer(chunk);
        });
        response.endHandler(end -> answer.tryComplete(new Answer(response.statusCode(), challenges, body)));
        return answer.future();
    }

    /** distribution's token answer: {@code token} (or OAuth's {@code access_token}) and {@code expires_in} seconds. */
    static RegistryToken parse(Buffer body, String upstream) {
        try {
            JsonObject json = body.toJsonObject();
            String token = json.getString("token");
            if (token == null || token.isBlank()) {
                token = json.getString("access_token");
            }
            if (token == null || token.isBlank() || !sendable(token)) {
                throw GatewayError.badGateway(upstream + " answered without a usable token");
            }
            Number expiresIn = json.getNumber("expires_in");
            Duration lifetime = expiresIn == null || expiresIn.longValue() <= 0 ? RegistryToken.DEFAULT_LIFETIME
                    : Duration.ofSeconds(expiresIn.longValue());
            return new RegistryToken(token, lifetime);
        } catch (DecodeException | ClassCastException e) {
            throw GatewayError.badGateway(upstream + " answered something that is not a token (JSON expected)");
        }
    }

    private static boolean sendable(String token) {
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** The realm's own path and query, with service and scope added. */
    private static String requestUri(String realm, UpstreamTarget target, String query) {
        String rawQuery = java.net.URI.create(realm.trim()).getRawQuery();
        String all = rawQuery == null || rawQuery.isEmpty() ? query : query.isEmpty() ? rawQuery : rawQuery + "&" + query;
        return target.requestUri("", all.isEmpty() ? null : all);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
