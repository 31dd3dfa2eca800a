package io.connectors.api.web;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Gives the logger {@code connectors.access} its batched writer ({@link AccessLogWriter}) on stdout
 * instead of the console handler, unless {@code connectors.access-log.batched=false} (then the
 * lines go through the logging configuration like any other, e.g. to a file handler). The logger
 * itself stays: its level still turns the access log on and off, and handlers added to it still
 * see every line.
 */
@Startup
@ApplicationScoped
public class AccessLogOutput {

    /** Prometheus: {@code connectors_access_log_dropped_lines_total}. */
    static final String DROPPED_METRIC = "connectors.access.log.dropped.lines";
    private static final Logger LOG = Logger.getLogger(AccessLogOutput.class);

    private final java.util.logging.Logger logger = java.util.logging.Logger.getLogger("connectors.access");
    private final AccessLogWriter writer;

    AccessLogOutput(MeterRegistry registry,
            @ConfigProperty(name = "connectors.access-log.batched", defaultValue = "true") boolean batched,
            @ConfigProperty(name = "connectors.access-log.queue-lines", defaultValue = "65536") int queueLines,
            @ConfigProperty(name = "quarkus.log.console.json.enabled", defaultValue = "false") boolean json) {
        if (!batched) {
            writer = null;
            return;
        }
        Counter dropped = Counter.builder(DROPPED_METRIC)
                .description("Access-log lines dropped because stdout could not take them as fast as they came")
                .register(registry);
        writer = new AccessLogWriter(System.out, json, queueLines, lost -> {
            dropped.increment(lost);
            LOG.warnf("access log: %d lines dropped, stdout could not keep up", lost);
        });
        logger.setUseParentHandlers(false);
        logger.addHandler(writer);
    }

    /** Late: Arc's beans go last at shutdown, after the HTTP server has answered its last request. */
    @PreDestroy
    void close() {
        if (writer != null) {
            writer.close(); // a line that still comes is written at once until the handler is gone
            logger.removeHandler(writer);
            logger.setUseParentHandlers(true);
        }
    }
}
