package io.connectors.api.web;

import io.connectors.api.config.ConnectorsConfig;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bounds the (namespace, class) label pairs of {@value AccessLog#METRIC}: the first
 * {@code connectors.metrics.max-label-values} pairs keep their values, later ones are counted
 * under {@value #OTHER}. Callers authorised on a Connector still choose the URL (an admin may pass
 * the review for any name, existing or not), so without a cap each new name would be one more
 * series, in memory for good. Applied by Micrometer when a meter is first looked up, never per
 * recorded request.
 */
public final class RequestLabelCap implements MeterFilter {

    public static final String OTHER = "_other";
    private static final String NONE = "-";

    private final int max;
    private final Set<String> admitted = ConcurrentHashMap.newKeySet();

    public RequestLabelCap(int max) {
        this.max = max;
    }

    @Override
    public Meter.Id map(Meter.Id id) {
        if (!AccessLog.METRIC.equals(id.getName())) {
            return id;
        }
        String namespace = id.getTag("namespace");
        String connectorClass = id.getTag("class");
        if (namespace == null || connectorClass == null || isFixed(namespace) && isFixed(connectorClass)) {
            return id;
        }
        String pair = namespace + '\u0000' + connectorClass;
        if (admitted.contains(pair) || admit(pair)) {
            return id;
        }
        return id.replaceTags(Tags.of(id.getTagsAsIterable()).and("namespace", OTHER, "class", OTHER));
    }

    private static boolean isFixed(String value) {
        return NONE.equals(value) || OTHER.equals(value);
    }

    private synchronized boolean admit(String pair) {
        if (admitted.size() >= max) {
            return false;
        }
        admitted.add(pair);
        return true;
    }

    /** Quarkus Micrometer adds MeterFilter beans to every registry before any meter exists. */
    @Singleton
    static class Producer {
        @Produces
        @Singleton
        MeterFilter requestLabelCap(ConnectorsConfig config) {
            return new RequestLabelCap(config.metrics().maxLabelValues());
        }
    }
}
