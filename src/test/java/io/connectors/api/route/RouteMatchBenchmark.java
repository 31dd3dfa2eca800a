package io.connectors.api.route;

import io.connectors.api.model.ConnectorClass;
import io.connectors.api.model.ModelFixtures;
import io.vertx.core.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Route match latency with many classes of many paths (issue 10: 500 classes × 50 paths, p99 ≤ 20 µs),
 * through {@link RouteTable#match}, the call the request path makes: the class lookup, then its
 * {@link RouteTree}. Each invocation matches one request, drawn at random from requests that hit a
 * literal path, a templated one, a mixed segment, or nothing, on a random class. A JMH benchmark,
 * not a test: {@code ./mvnw verify} compiles it and never runs it; {@code bench/run.sh} does:
 *
 * <pre>
 * java -cp target/test-classes:target/classes:$(cat target/test-classpath.txt) org.openjdk.jmh.Main RouteMatchBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RouteMatchBenchmark {

    @Param("500")
    public int classes;

    @Param("50")
    public int paths;

    private RouteTable table;
    private String[] classNames;
    private String[] requests;
    private int[] draws;
    private int next;

    /** Paths shaped like GitLab's: a literal prefix, one or two templates, literal leaves, a mixed segment. */
    static String openapi(int paths, String revision) {
        StringBuilder doc = new StringBuilder("{\"openapi\":\"3.0.1\",\"info\":{\"version\":\"" + revision + "\"},\"paths\":{");
        for (int i = 0; i < paths; i++) {
            doc.append(i == 0 ? "" : ",").append('"').append(template(i)).append("\":{\"get\":{\"x-provider-type\":\"api\"},")
                    .append("\"post\":{}}");
        }
        return doc.append("}}").toString();
    }

    private static String template(int i) {
        return switch (i % 5) {
            case 0 -> "/api/v4/resource" + i;
            case 1 -> "/api/v4/projects/{id}/resource" + i;
            case 2 -> "/api/v4/projects/{id}/resource" + i + "/{item}";
            case 3 -> "/api/v4/groups/{group}/resource" + i + "/{item}/detail";
            default -> "/custom/resource" + i + "/{name}.json";
        };
    }

    /** A request for template {@code i}; one in seven matches no template (then it is proxied). */
    private static String request(int i) {
        if (i % 7 == 6) {
            return "/api/v4/projects/42/repository/files/a%2Fb/raw";
        }
        return switch (i % 5) {
            case 0 -> "/api/v4/resource" + i;
            case 1 -> "/api/v4/projects/group%2Fproject/resource" + i;
            case 2 -> "/api/v4/projects/42/resource" + i + "/7";
            case 3 -> "/api/v4/groups/g/resource" + i + "/7/detail";
            default -> "/custom/resource" + i + "/readme.json";
        };
    }

    @Setup(Level.Trial)
    public void setUp() {
        List<ConnectorClass> all = new ArrayList<>(classes);
        classNames = new String[classes];
        for (int c = 0; c < classes; c++) {
            classNames[c] = "class-" + c;
            all.add(ModelFixtures.withOpenApi(classNames[c], "1", openapi(paths, "1")));
        }
        table = new RouteTable();
        table.refresh(all);
        requests = new String[paths + 1];
        for (int i = 0; i < paths; i++) {
            requests[i] = request(i);
        }
        requests[paths] = "/not/a/route";
        SplittableRandom random = new SplittableRandom(10);
        draws = new int[1 << 16];
        for (int i = 0; i < draws.length; i++) {
            draws[i] = random.nextInt(classes) * (paths + 1) + random.nextInt(paths + 1);
        }
        if (table.match(classNames[0], HttpMethod.GET, requests[1]).isEmpty()) {
            throw new IllegalStateException("the benchmark's requests do not match its routes");
        }
    }

    @Benchmark
    public Object match() {
        int draw = draws[next++ & (draws.length - 1)];
        return table.match(classNames[draw / (paths + 1)], HttpMethod.GET, requests[draw % (paths + 1)]);
    }
}
