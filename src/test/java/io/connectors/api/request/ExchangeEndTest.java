package io.connectors.api.request;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The end of an exchange is said by several parties (Vert.x's end handlers, a failure handler
 * that cuts the answer, the forwarder when a body could not be passed on): what hangs on it (a
 * place at an upstream, the access-log line) must happen exactly once, whoever says it first.
 */
class ExchangeEndTest {

    @Test
    void listenersRunOnceWithTheFirstOutcome() {
        Exchange exchange = new Exchange("id-1");
        List<String> heard = new ArrayList<>();
        exchange.onEnd(completed -> heard.add("place " + completed));
        exchange.onEnd(completed -> heard.add("log " + completed));
        assertThat(exchange.isOver()).isFalse();

        exchange.end(false);
        exchange.end(true);
        exchange.end(false);

        assertThat(heard).containsExactly("place false", "log false");
        assertThat(exchange.isOver()).isTrue();
    }

    @Test
    void aListenerAddedAfterTheEndRunsAtOnceWithTheOutcome() {
        Exchange exchange = new Exchange("id-2");
        exchange.end(true);
        List<Boolean> heard = new ArrayList<>();
        exchange.onEnd(heard::add);
        assertThat(heard).containsExactly(true);
    }

    @Test
    void aFailingListenerDoesNotKeepTheOthersFromTheEnd() {
        Exchange exchange = new Exchange("id-3");
        List<Boolean> heard = new ArrayList<>();
        exchange.onEnd(completed -> {
            throw new IllegalStateException("broken listener");
        });
        exchange.onEnd(heard::add);
        exchange.end(false);
        assertThat(heard).containsExactly(false);
    }
}
