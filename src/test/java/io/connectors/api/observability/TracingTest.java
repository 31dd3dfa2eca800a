package io.connectors.api.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.connectors.api.support.FakeKubeAuth;
import io.connectors.api.support.FakeTool.Seen;
import io.connectors.api.support.Fixtures;
import io.connectors.api.support.GatewayTest;
import io.connectors.api.support.MockCluster;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** With tracing on, a proxied request carries the gateway's trace context to the tool. */
@QuarkusTest
@TestProfile(TracingTest.TracingOn.class)
@WithKubernetesTestServer(crud = true, setup = MockCluster.class)
class TracingTest extends GatewayTest {

    private static final Pattern TRACEPARENT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-0[0-9a-f]");

    public static class TracingOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "quarkus.otel.sdk.disabled", "false",
                    // no collector in tests: spans are created and propagated, never exported
                    "quarkus.otel.traces.exporter", "none");
        }
    }

    private String namespace;
    private String token;

    @BeforeEach
    void connector() {
        namespace = Fixtures.unique("trace");
        token = FakeKubeAuth.newToken("trace");
        fixtures.connectorClass("traced", null);
        fixtures.connector(namespace, "tool", "traced", tool.url(), null, null);
        FakeKubeAuth.grantGet(token, namespace, "tool");
    }

    @Test
    void toolReceivesANewTraceparent() throws Exception {
        as(token).get(apiPath(namespace, "tool") + "/x").then().statusCode(200);
        Seen seen = tool.next();
        assertThat(seen.headers("traceparent")).hasSize(1);
        assertThat(seen.header("traceparent")).matches(TRACEPARENT);
    }

    @Test
    void callersTraceIsContinued() throws Exception {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        String callerSpan = "00f067aa0ba902b7";
        as(token).header("traceparent", "00-" + traceId + "-" + callerSpan + "-01")
                .get(apiPath(namespace, "tool") + "/x").then().statusCode(200);
        Seen seen = tool.next();
        assertThat(seen.headers("traceparent")).hasSize(1);
        Matcher matcher = TRACEPARENT.matcher(seen.header("traceparent"));
        assertThat(matcher.matches()).isTrue();
        assertThat(matcher.group(1)).as("same trace").isEqualTo(traceId);
        assertThat(matcher.group(2)).as("the gateway's own span as parent").isNotEqualTo(callerSpan);
    }

    @Test
    void anUpgradeCarriesTheGatewaysTraceContextNotTheCallers() throws Exception {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        String callerSpan = "00f067aa0ba902b7";
        fixtures.flag("enable-connector-apis-write-passthrough", true);
        try {
            io.connectors.api.support.RawHttp.Conversation answer = io.connectors.api.support.RawHttp.converse(
                    "GET " + apiPath(namespace, "tool") + "/ws HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Authorization: Bearer " + token + "\r\ntraceparent: 00-" + traceId + "-" + callerSpan + "-01\r\n"
                    + "tracestate: evil=1\r\nbaggage: evil=1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
                    java.time.Duration.ofSeconds(5), 1);
            assertThat(answer.statuses()).containsExactly(101);
            Seen seen = tool.next();
            assertThat(seen.headers("traceparent")).hasSize(1);
            Matcher matcher = TRACEPARENT.matcher(seen.header("traceparent"));
            assertThat(matcher.matches()).isTrue();
            assertThat(matcher.group(2)).as("the gateway's own span as parent").isNotEqualTo(callerSpan);
            // The gateway's tracer continues the caller's trace (its state and baggage included): once, not twice.
            assertThat(seen.headers("tracestate")).hasSizeLessThanOrEqualTo(1);
            assertThat(seen.headers("baggage")).hasSizeLessThanOrEqualTo(1);
        } finally {
            fixtures.flag("enable-connector-apis-write-passthrough", false);
        }
    }
}
