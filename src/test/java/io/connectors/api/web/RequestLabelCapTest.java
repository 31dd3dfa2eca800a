package io.connectors.api.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RequestLabelCapTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Meter.MeterProvider<Timer> requests;

    RequestLabelCapTest() {
        registry.config().meterFilter(new RequestLabelCap(3));
        requests = Timer.builder(AccessLog.METRIC).withRegistry(registry);
    }

    private void record(String namespace, String connectorClass) {
        requests.withTags("namespace", namespace, "class", connectorClass, "mode", "proxy", "status", "200")
                .record(1, TimeUnit.MILLISECONDS);
    }

    private Set<String> namespaces() {
        return registry.find(AccessLog.METRIC).timers().stream().map(timer -> timer.getId().getTag("namespace"))
                .collect(Collectors.toSet());
    }

    private long count(String namespace) {
        return registry.find(AccessLog.METRIC).tag("namespace", namespace).timers().stream()
                .mapToLong(Timer::count).sum();
    }

    @Test
    void pairsBeyondTheCapAreCountedUnderOther() {
        for (int i = 0; i < 10; i++) {
            record("ns-" + i, "gitlab");
        }
        assertThat(namespaces()).containsExactlyInAnyOrder("ns-0", "ns-1", "ns-2", RequestLabelCap.OTHER);
        assertThat(count(RequestLabelCap.OTHER)).isEqualTo(7);
        Timer other = registry.find(AccessLog.METRIC).tag("namespace", RequestLabelCap.OTHER).timer();
        assertThat(other.getId().getTag("class")).isEqualTo(RequestLabelCap.OTHER);
        // the other labels are kept
        assertThat(other.getId().getTag("status")).isEqualTo("200");
    }

    @Test
    void admittedPairsKeepTheirSeriesAfterTheCapIsReached() {
        record("team-a", "gitlab");
        record("team-a", "harbor");
        record("team-b", "gitlab");
        record("team-c", "gitlab");
        record("team-a", "gitlab");
        assertThat(count("team-a")).isEqualTo(3);
        assertThat(count("team-b")).isEqualTo(1);
        assertThat(count(RequestLabelCap.OTHER)).isEqualTo(1);
    }

    @Test
    void unlabelledRequestsNeverUseUpTheCap() {
        for (int i = 0; i < 5; i++) {
            record("-", "-");
        }
        record("ns-0", "-");
        record("ns-1", "x");
        record("ns-2", "x");
        assertThat(namespaces()).containsExactlyInAnyOrder("-", "ns-0", "ns-1", "ns-2");
        assertThat(count("-")).isEqualTo(5);
    }

    @Test
    void otherMetersAreUntouched() {
        for (int i = 0; i < 10; i++) {
            registry.counter("something.else", "namespace", "ns-" + i).increment();
        }
        assertThat(registry.find("something.else").counters()).hasSize(10);
    }
}
