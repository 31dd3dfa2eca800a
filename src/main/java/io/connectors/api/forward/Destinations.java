package io.connectors.api.forward;

import io.connectors.api.config.ConnectorsConfig;
import io.connectors.api.errors.GatewayError;
import io.netty.util.NetUtil;
import io.quarkus.runtime.Startup;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.net.SocketAddress;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Decides, before anything is sent, whether a target may be called ({@link DestinationPolicy}),
 * on the address the request will really go to: the host is resolved here, the address is
 * checked, and the returned {@link Destination} pins the HTTP client to that very address, so a
 * name cannot resolve to an allowed address for the check and to another one for the connection.
 * <p>
 * When an HTTP(S)_PROXY carries the request, the proxy resolves and connects: the check then uses
 * the name and, if it resolves here, the local answer (best effort; the proxy's own rules are
 * what protects its network).
 */
@Startup // a malformed allow/deny list fails the start, not the first request
@ApplicationScoped
public class Destinations {

    private static final Logger LOG = Logger.getLogger(Destinations.class);

    private final DestinationPolicy policy;
    private final Predicate<UpstreamTarget> proxied;
    private final Function<String, Future<InetAddress>> lookUp;

    @Inject
    Destinations(Vertx vertx, UpstreamClients clients, ConnectorsConfig config,
            @ConfigProperty(name = "quarkus.vertx.use-async-dns", defaultValue = "false") boolean asyncDns) {
        this(policy(config, ownListeners()), clients::proxied, host -> lookUp(vertx, asyncDns, host));
    }

    Destinations(DestinationPolicy policy, Predicate<UpstreamTarget> proxied, Function<String, Future<InetAddress>> lookUp) {
        this.policy = policy;
        this.proxied = proxied;
        this.lookUp = lookUp;
    }

    private static DestinationPolicy policy(ConnectorsConfig config, DestinationPolicy.OwnListeners own) {
        try {
            return DestinationPolicy.of(config.destinations().deny().orElse(List.of()),
                    config.destinations().allow().orElse(List.of()), own);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("connectors.destinations: " + e.getMessage(), e);
        }
    }

    /**
     * The ports this process listens on (main, TLS, management when enabled, forward proxy when
     * configured) and the addresses of its own network interfaces, read once at start. Random ports
     * (tests' port 0) are not known here; no tool can share a port the gateway holds anyway.
     */
    private static DestinationPolicy.OwnListeners ownListeners() {
        org.eclipse.microprofile.config.Config config = org.eclipse.microprofile.config.ConfigProvider.getConfig();
        java.util.Set<Integer> ports = new java.util.HashSet<>();
        for (String key : new String[] {"quarkus.http.port", "quarkus.http.ssl-port", "connectors.forward-proxy.port"}) {
            config.getOptionalValue(key, Integer.class).filter(port -> port > 0).ifPresent(ports::add);
        }
        if (config.getOptionalValue("quarkus.management.enabled", Boolean.class).orElse(false)) {
            config.getOptionalValue("quarkus.management.port", Integer.class).filter(port -> port > 0).ifPresent(ports::add);
        }
        java.util.Set<Integer> own = java.util.Set.copyOf(ports);
        java.util.Set<InetAddress> addresses = new java.util.HashSet<>();
        try {
            java.util.Enumeration<java.net.NetworkInterface> interfaces = java.net.NetworkInterface.getNetworkInterfaces();
            while (interfaces != null && interfaces.hasMoreElements()) {
                interfaces.nextElement().inetAddresses().forEach(addresses::add);
            }
        } catch (java.net.SocketException e) {
            LOG.debugf("own interface addresses not listed (%s): loopback only", e.getClass().getName());
        }
        java.util.Set<InetAddress> ownAddresses = java.util.Set.copyOf(addresses);
        return new DestinationPolicy.OwnListeners(() -> own, ownAddresses::contains);
    }

    /**
     * Where to connect for {@code target}; fails with a 403 {@link GatewayError} when the
     * destination is refused, a 502 when its name does not resolve. {@code what} names the
     * upstream in those messages ("the tool of connector ...").
     */
    public Future<Destination> resolve(UpstreamTarget target, String what) {
        boolean proxied = this.proxied.test(target);
        return lookUp.apply(target.host()).transform(looked -> {
            if (looked.failed() && !proxied) {
                LOG.debugf("%s: host %s does not resolve (%s)", what, target.host(), looked.cause().getClass().getName());
                return Future.failedFuture(GatewayError.badGateway(what + " at " + target.origin()
                        + " could not be reached: its host name does not resolve"));
            }
            InetAddress address = looked.succeeded() ? looked.result() : null;
            Optional<String> refusal = policy.refusal(target.host(), address, target.port());
            if (refusal.isPresent()) {
                LOG.infof("refused to call %s: host %s, address %s: %s", what, target.host(),
                        address == null ? "unresolved" : NetUtil.toAddressString(address), refusal.get());
                return Future.failedFuture(GatewayError.forbidden(what + " at host \"" + target.host()
                        + "\" is not an allowed destination"));
            }
            return Future.succeededFuture(proxied ? Destination.viaProxy()
                    : Destination.pinned(SocketAddress.inetSocketAddress(target.port(), NetUtil.toAddressString(address))));
        });
    }

    /** Resolves off the event loop: Vert.x's async DNS when Quarkus uses it, else the JDK's resolver on a worker. */
    private static Future<InetAddress> lookUp(Vertx vertx, boolean asyncDns, String host) {
        byte[] literal = NetUtil.createByteArrayFromIpAddressString(host);
        if (literal != null) {
            try {
                return Future.succeededFuture(InetAddress.getByAddress(literal));
            } catch (java.net.UnknownHostException e) {
                return Future.failedFuture(e);
            }
        }
        if (asyncDns) {
            Promise<InetAddress> promise = Promise.promise();
            ((VertxInternal) vertx).resolveAddress(host, promise);
            return promise.future();
        }
        return vertx.executeBlocking(() -> InetAddress.getByName(host), false);
    }
}
