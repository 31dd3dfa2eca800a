package io.connectors.api.route;

import io.connectors.api.model.ConnectorClass;
import io.connectors.api.model.ModelFixtures;
import io.vertx.core.http.HttpMethod;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** A micro-measurement, printed, never asserted: these machines are shared and their timings noisy. */
class RouteTableTiming {

    private static final int PATHS = 50;

    /** 50 paths shaped like GitLab's: a literal prefix, one or two templates, some literal leaves. */
    static String fiftyPaths(String revision) {
        StringBuilder paths = new StringBuilder("{\"openapi\":\"3.0.1\",\"info\":{\"version\":\"" + revision + "\"},\"paths\":{");
        for (int i = 0; i < PATHS; i++) {
            String path = switch (i % 5) {
                case 0 -> "/api/v4/resource" + i;
                case 1 -> "/api/v4/projects/{id}/resource" + i;
                case 2 -> "/api/v4/projects/{id}/resource" + i + "/{item}";
                case 3 -> "/api/v4/groups/{group}/resource" + i + "/{item}/detail";
                default -> "/custom/resource" + i + "/{name}.json";
            };
            paths.append(i == 0 ? "" : ",").append('"').append(path).append("\":{\"get\":{\"x-provider-type\":\"api\"},")
                    .append("\"post\":{\"x-openapi-address\":\"ext\"}}");
        }
        return paths.append("}}").toString();
    }

    @Test
    void measure() {
        RouteTable table = new RouteTable();
        int rebuilds = 2_000;
        for (int i = 0; i < rebuilds; i++) {
            table.refresh(List.of(ModelFixtures.withOpenApi("gitlab", Integer.toString(i), fiftyPaths(Integer.toString(i)))));
        }
        long rebuildNanos = 0;
        for (int i = 0; i < rebuilds; i++) {
            ConnectorClass changed = ModelFixtures.withOpenApi("gitlab", "r" + i, fiftyPaths("r" + i));
            long start = System.nanoTime();
            table.refresh(List.of(changed));
            rebuildNanos += System.nanoTime() - start;
        }
        String[] requests = {
                "/api/v4/projects/group%2Fproject/resource21/42",
                "/api/v4/groups/g/resource48/7/detail",
                "/api/v4/resource45",
                "/custom/resource49/readme.json",
                "/api/v4/not/a/route"};
        int matches = 100_000;
        long sink = 0;
        for (int i = 0; i < matches; i++) {
            sink += table.match("gitlab", HttpMethod.GET, requests[i % requests.length]).isPresent() ? 1 : 0;
        }
        long start = System.nanoTime();
        for (int i = 0; i < matches; i++) {
            sink += table.match("gitlab", HttpMethod.GET, requests[i % requests.length]).isPresent() ? 1 : 0;
        }
        long matchNanos = System.nanoTime() - start;
        System.out.printf(Locale.ROOT, "route table: rebuild of a class with %d paths %.1f us (average of %d);"
                        + " match %.0f ns per request (average of %d; %d matched)%n",
                PATHS, rebuildNanos / 1_000.0 / rebuilds, rebuilds, (double) matchNanos / matches, matches, sink);
    }
}
