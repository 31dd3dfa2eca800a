package io.connectors.api.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The shipped listener limits (application.properties): a connection cap, and a server idle
 * timeout (which bounds a request head that stops coming) far below Quarkus's 30-minute default
 * yet above the gateway's upstream idle timeout, so that a quiet tool still gets its 504 written.
 */
class ListenerLimitsDefaultsTest {

    @Test
    void theListenersHaveAnIdleTimeoutAndAConnectionCap() throws IOException {
        Properties properties = new Properties();
        try (InputStream in = getClass().getResourceAsStream("/application.properties")) {
            properties.load(in);
        }
        assertThat(properties.getProperty("quarkus.http.limits.max-connections")).isNotBlank()
                .satisfies(cap -> assertThat(Integer.parseInt(cap)).isBetween(1_000, 100_000));
        Duration idle = duration(properties.getProperty("quarkus.http.idle-timeout"));
        Duration upstreamIdle = duration(properties.getProperty("connectors.proxy.idle-timeout"));
        assertThat(idle).isLessThanOrEqualTo(Duration.ofMinutes(2)).isGreaterThan(upstreamIdle);
    }

    private static Duration duration(String value) {
        assertThat(value).as("a duration like 75s").matches("[0-9]+s");
        return Duration.ofSeconds(Long.parseLong(value.substring(0, value.length() - 1)));
    }
}
