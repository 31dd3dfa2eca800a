package io.connectors.api.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.connectors.api.model.ConnectorClass;
import io.connectors.api.model.ModelFixtures;
import io.vertx.core.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RouteTableRebuildTest {

    private static final String API_GET = "{\"paths\": {\"/items/{id}\": {\"get\": {\"x-provider-type\": \"api\"}}}}";
    private static final String PROXY_GET = "{\"paths\": {\"/items/{id}\": {\"get\": {\"x-provider-type\": \"proxy\"}}}}";

    private static Optional<ProviderType> typeOf(RouteTable table, String className) {
        return table.match(className, HttpMethod.GET, "/items/1").map(RouteMatch::providerType);
    }

    @Test
    void classesAddedUpdatedAndDeleted() {
        RouteTable table = new RouteTable();
        assertTrue(typeOf(table, "git").isEmpty());

        table.refresh(List.of(ModelFixtures.withOpenApi("git", "1", API_GET)));
        assertEquals(Optional.of(ProviderType.API), typeOf(table, "git"));

        table.refresh(List.of(ModelFixtures.withOpenApi("git", "2", PROXY_GET),
                ModelFixtures.withOpenApi("harbor", "3", API_GET)));
        assertEquals(Optional.of(ProviderType.PROXY), typeOf(table, "git"));
        assertEquals(Optional.of(ProviderType.API), typeOf(table, "harbor"));

        table.refresh(List.of(ModelFixtures.withOpenApi("harbor", "3", API_GET)));
        assertTrue(typeOf(table, "git").isEmpty());
        assertEquals(Optional.of(ProviderType.API), typeOf(table, "harbor"));

        table.refresh(List.of(ModelFixtures.withOpenApi("harbor", "4", null)));
        assertTrue(typeOf(table, "harbor").isEmpty());
    }

    /**
     * Readers match in a loop while a writer flips one class between two documents. Every answer
     * must be one of the two: never empty, never anything else.
     */
    @Test
    void readersSeeTheOldOrTheNewTableNeverAHalfBuiltOne() throws Exception {
        RouteTable table = new RouteTable();
        ConnectorClass other = ModelFixtures.withOpenApi("other", "1", API_GET);
        table.refresh(List.of(ModelFixtures.withOpenApi("git", "1", API_GET), other));
        int readers = 3;
        int matchesPerReader = 200_000;
        int updates = 2_000;
        ExecutorService pool = Executors.newFixedThreadPool(readers + 1);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<int[]>> seen = new ArrayList<>();
            for (int r = 0; r < readers; r++) {
                seen.add(pool.submit(() -> {
                    start.await();
                    int[] counts = new int[2];
                    for (int i = 0; i < matchesPerReader; i++) {
                        ProviderType type = typeOf(table, "git").orElseThrow(() -> new AssertionError("no match"));
                        counts[type.ordinal()]++;
                        assertEquals(Optional.of(ProviderType.API), typeOf(table, "other"));
                    }
                    return counts;
                }));
            }
            Future<?> writer = pool.submit(() -> {
                start.await();
                for (int i = 0; i < updates; i++) {
                    String document = i % 2 == 0 ? PROXY_GET : API_GET;
                    table.refresh(List.of(ModelFixtures.withOpenApi("git", Integer.toString(i + 2), document), other));
                }
                return null;
            });
            start.countDown();
            writer.get(60, TimeUnit.SECONDS);
            int total = 0;
            for (Future<int[]> reader : seen) {
                int[] counts = reader.get(60, TimeUnit.SECONDS);
                total += counts[0] + counts[1];
            }
            assertEquals(readers * matchesPerReader, total);
        } finally {
            pool.shutdownNow();
        }
    }
}
