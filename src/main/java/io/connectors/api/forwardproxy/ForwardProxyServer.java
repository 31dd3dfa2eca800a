package io.connectors.api.forwardproxy;

import io.connectors.api.authz.ApiAccessHandler;
import io.connectors.api.config.ConnectorsConfig;
import io.connectors.api.errors.FailureHandler;
import io.connectors.api.route.RouteHandler;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The forward proxy (spec §13): its own port ({@code connectors.forward-proxy.port}) on the main
 * listener's host, one server per event loop, and a tunnel server on a loopback port that reads
 * the requests inside {@code CONNECT} tunnels. Both run one chain of stages, the API path's own
 * where it applies: admission → authenticate ({@code Proxy-Authorization}) → the named
 * Connectors' {@code get} and the target among their addresses → CONNECT (tunnel) or route →
 * API permissions and write gate → {@code connectors/proxy} permission → forward; the one
 * failure handler answers every failure with a Status.
 */
@Singleton
public class ForwardProxyServer {

    private static final Logger LOG = Logger.getLogger(ForwardProxyServer.class);
    /** As Quarkus's own listener: an idle keep-alive connection (or tunnel) is closed after this. */
    private static final Duration IDLE = Duration.ofMinutes(30);
    private static final int CHUNK = 64 * 1024;
    /**
     * A free port shared by all instances of one server: Vert.x binds a negative port to a free
     * one, the same for every server listening with that same negative value. Values of our own:
     * Quarkus uses -1 (and neighbours) for its own listeners, and a tunnel server sharing Quarkus's
     * port would have its tunnels' requests answered by Quarkus's router.
     */
    private static final int TUNNEL_SERVERS = -18_081;
    private static final int PROXY_SERVERS = -18_082;

    private final Vertx vertx;
    private final ConnectorsConfig.ForwardProxy config;
    private final String host;
    private final ProxyAdmission admission;
    private final ProxyAuthentication authenticate;
    private final ProxyConnectorSelection select;
    private final ConnectTunnel connect;
    private final RouteHandler route;
    private final ApiAccessHandler authorizeApi;
    private final ProxyPermission proxyPermission;
    private final ProxyForward forward;
    private final FailureHandler failures;
    private final List<String> deployments = new ArrayList<>();
    private volatile int port = -1;
    private volatile int tunnelPort = -1;
    private NetClient loopback;

    ForwardProxyServer(Vertx vertx, ConnectorsConfig config, @ConfigProperty(name = "quarkus.http.host") String host,
            ProxyAdmission admission, ProxyAuthentication authenticate, ProxyConnectorSelection select,
            ConnectTunnel connect, RouteHandler route, ApiAccessHandler authorizeApi, ProxyPermission proxyPermission,
            ProxyForward forward, FailureHandler failures) {
        this.vertx = vertx;
        this.config = config.forwardProxy();
        this.host = host;
        this.admission = admission;
        this.authenticate = authenticate;
        this.select = select;
        this.connect = connect;
        this.route = route;
        this.authorizeApi = authorizeApi;
        this.proxyPermission = proxyPermission;
        this.forward = forward;
        this.failures = failures;
    }

    void start(@Observes StartupEvent event) throws Exception {
        if (!config.enabled()) {
            LOG.info("forward proxy disabled (connectors.forward-proxy.enabled=false)");
            return;
        }
        loopback = vertx.createNetClient(new NetClientOptions().setConnectTimeout(10_000).setTcpNoDelay(true));
        tunnelPort = listen(router(admission::handleInTunnel), "127.0.0.1", TUNNEL_SERVERS);
        connect.tunnelServer(loopback, tunnelPort);
        port = listen(router(admission::handle), host, config.port() == 0 ? PROXY_SERVERS : config.port());
        LOG.infof("forward proxy listening on %s:%d", host, port);
    }

    void stop(@Observes ShutdownEvent event) {
        deployments.forEach(id -> vertx.undeploy(id));
        if (loopback != null) {
            loopback.close();
        }
    }

    /** The port the forward proxy listens on (a free one when configured 0); -1 when it does not. */
    public int port() {
        return port;
    }

    private Router router(Handler<RoutingContext> first) {
        Router router = Router.router(vertx);
        router.route()
                .handler(first)
                .handler(authenticate::handle)
                .handler(select::handle)
                .handler(connect::handle)
                .handler(route)
                .handler(authorizeApi)
                .handler(proxyPermission::handle)
                .handler(forward::handle)
                .failureHandler(failures);
        return router;
    }

    /**
     * One server per event loop on {@code bind}, so that connections are spread over the loops
     * (a server made outside a verticle serves all its connections on one); a negative port is a
     * free one, the same for all of them.
     */
    private int listen(Router router, String bindHost, int bind) throws Exception {
        int instances = Math.max(1, Runtime.getRuntime().availableProcessors());
        AtomicInteger actual = new AtomicInteger(-1);
        HttpServerOptions options = new HttpServerOptions()
                .setHost(bindHost)
                .setPort(bind)
                .setIdleTimeout((int) IDLE.toSeconds())
                .setIdleTimeoutUnit(TimeUnit.SECONDS)
                .setMaxChunkSize(CHUNK)
                // h2c would take the connection past the stages' reading of each request.
                .setHttp2ClearTextEnabled(false)
                .setTcpNoDelay(true);
        String id = vertx.deployVerticle(() -> new AbstractVerticle() {
            @Override
            public void start(Promise<Void> started) {
                Handler<HttpServerRequest> handler = request -> router.handle(
                        request.method() == io.vertx.core.http.HttpMethod.CONNECT ? ConnectRequest.routable(request) : request);
                Future<HttpServer> listening = vertx.createHttpServer(options).requestHandler(handler).listen();
                listening.onSuccess(server -> actual.set(server.actualPort())).<Void>mapEmpty().onComplete(started);
            }
        }, new DeploymentOptions().setInstances(instances)).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        deployments.add(id);
        return actual.get();
    }
}
