package io.connectors.api.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.connectors.api.errors.GatewayError;
import io.vertx.core.Future;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Destinations with a stubbed resolver: nothing is looked up and nothing is connected to. */
class DestinationsTest {

    private static final Map<String, String> ZONE = Map.of(
            "tool.example.com", "10.0.0.7",
            "v6.example.com", "2001:db8::7",
            "metadata.example.com", "169.254.169.254",
            "mapped.example.com", "::ffff:169.254.169.254");

    private static Future<InetAddress> stub(String host) {
        try {
            String literal = ZONE.getOrDefault(host, host);
            return Character.isDigit(literal.charAt(0)) || literal.contains(":")
                    ? Future.succeededFuture(InetAddress.getByName(literal))
                    : Future.failedFuture(new UnknownHostException(host));
        } catch (UnknownHostException e) {
            return Future.failedFuture(e);
        }
    }

    private static Destinations destinations(List<String> deny, boolean proxied) {
        return new Destinations(DestinationPolicy.of(deny, List.of()), target -> proxied, DestinationsTest::stub);
    }

    private static Future<Destination> resolve(Destinations destinations, String url) {
        return destinations.resolve(UpstreamTarget.parse(url, "test"), "the tool of connector \"ns/c\"");
    }

    private static GatewayError failure(Future<Destination> future) {
        assertThat(future.failed()).isTrue();
        assertThat(future.cause()).isInstanceOf(GatewayError.class);
        return (GatewayError) future.cause();
    }

    @Test
    void anAllowedNameIsPinnedToTheAddressThatWasChecked() {
        Destination destination = resolve(destinations(List.of(), false), "https://tool.example.com:8443/base").result();
        assertThat(destination.server()).contains(SocketAddress.inetSocketAddress(8443, "10.0.0.7"));
        RequestOptions options = destination.apply(new RequestOptions().setHost("tool.example.com").setPort(8443));
        assertThat(options.getServer()).isEqualTo(SocketAddress.inetSocketAddress(8443, "10.0.0.7"));
        assertThat(options.getHost()).isEqualTo("tool.example.com");
        assertThat(options.getPort()).isEqualTo(8443);

        assertThat(resolve(destinations(List.of(), false), "http://v6.example.com").result().server())
                .contains(SocketAddress.inetSocketAddress(80, "2001:db8::7"));
    }

    @Test
    void aRefusedDestinationIs403NamingTheUpstreamAndHostOnly() {
        GatewayError error = failure(resolve(destinations(List.of(), false), "http://metadata.example.com/latest"));
        assertThat(error.code()).isEqualTo(403);
        assertThat(error.reason()).isEqualTo("Forbidden");
        assertThat(error.getMessage()).isEqualTo(
                "the tool of connector \"ns/c\" at host \"metadata.example.com\" is not an allowed destination");
        assertThat(failure(resolve(destinations(List.of(), false), "http://mapped.example.com")).code()).isEqualTo(403);
        assertThat(failure(resolve(destinations(List.of(), false), "http://[fe80::1]:8080")).code()).isEqualTo(403);
        assertThat(failure(resolve(destinations(List.of("10.0.0.0/8"), false), "http://tool.example.com")).code())
                .isEqualTo(403);
    }

    @Test
    void anUnresolvableNameIs502LikeAnUnreachableTool() {
        GatewayError error = failure(resolve(destinations(List.of(), false), "http://nowhere.example.com:81"));
        assertThat(error.code()).isEqualTo(502);
        assertThat(error.getMessage()).isEqualTo("the tool of connector \"ns/c\" at http://nowhere.example.com:81"
                + " could not be reached: its host name does not resolve");
    }

    @Test
    void throughAProxyTheLocalAnswerIsCheckedWhenThereIsOneAndNothingIsPinned() {
        assertThat(resolve(destinations(List.of(), true), "https://tool.example.com").result().server()).isEmpty();
        assertThat(resolve(destinations(List.of(), true), "https://only-the-proxy-knows.example.com").result().server())
                .isEmpty();
        assertThat(failure(resolve(destinations(List.of(), true), "https://metadata.example.com")).code()).isEqualTo(403);
        assertThat(failure(resolve(destinations(List.of("only-the-proxy-knows.example.com"), true),
                "https://only-the-proxy-knows.example.com")).code()).isEqualTo(403);
    }
}
