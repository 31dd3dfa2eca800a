import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * The suite's own load generator (bench/run.sh), for what wrk cannot do. Vert.x and HdrHistogram
 * come from the packaged gateway's lib/main; compiled by bench/run.sh with javac.
 *
 * <p>{@code rate}: an open-loop generator (wrk2-style, Debian has no wrk2). Request i is due at
 * start + i/RATE whatever happened to the earlier ones; it goes out on a free keep-alive connection
 * of a pool of CONNECTIONS, or waits for one. Its latency is measured from its due time, not from
 * when it was sent, so a stall delays every request due during it (coordinated omission corrected).
 *
 * <pre>
 * java -cp CLASSES:LIBS OpenLoop rate URL RATE SECONDS WARMUP_SECONDS CONNECTIONS [HEADER_FILE]
 *   prints: requests=N errors=E non2xx=X rate=R p50_us=… p90_us=… p99_us=… p999_us=… max_us=…
 * java -cp CLASSES:LIBS OpenLoop list BASE_URL LIST_FILE CONNECTIONS
 *   LIST_FILE lines: "TOKEN PATH"; each is sent once, CONNECTIONS at a time, with "Authorization:
 *   Bearer TOKEN"; prints: requests=N errors=E status_200=… (one field per status) seconds=S
 * </pre>
 * HEADER_FILE holds "Name: value" lines (so that no credential is on a command line).
 */
public final class OpenLoop {

    public static void main(String[] args) throws Exception {
        switch (args.length > 0 ? args[0] : "") {
            case "rate" -> rate(URI.create(args[1]), Double.parseDouble(args[2]), Double.parseDouble(args[3]),
                    Double.parseDouble(args[4]), Integer.parseInt(args[5]), args.length > 6 ? headers(Path.of(args[6])) : Map.of());
            case "list" -> list(URI.create(args[1]), Path.of(args[2]), Integer.parseInt(args[3]));
            default -> {
                System.err.println("usage: OpenLoop rate URL RATE SECONDS WARMUP_SECONDS CONNECTIONS [HEADER_FILE]"
                        + " | OpenLoop list BASE_URL LIST_FILE CONNECTIONS");
                System.exit(2);
            }
        }
    }

    private static Map<String, String> headers(Path file) throws Exception {
        Map<String, String> headers = new TreeMap<>();
        for (String line : Files.readAllLines(file)) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
            }
        }
        return headers;
    }

    private static HttpClient client(Vertx vertx, URI uri, int connections) {
        return vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setPipelining(false)
                        .setDefaultHost(uri.getHost()).setDefaultPort(uri.getPort()).setConnectTimeout(5_000)
                        .setIdleTimeout(0),
                new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
    }

    private static Future<Integer> send(HttpClient client, String path, Map<String, String> headers) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setURI(path).setTimeout(30_000);
        headers.forEach(options::putHeader);
        return client.request(options)
                .compose(request -> request.send())
                .compose((HttpClientResponse response) -> response.body().map((Buffer body) -> response.statusCode()));
    }

    private static String pathOf(URI uri) {
        return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }

    private static void rate(URI uri, double rate, double seconds, double warmupSeconds, int connections,
            Map<String, String> headers) throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
        HttpClient client = client(vertx, uri, connections);
        String path = pathOf(uri);
        long interval = (long) (1_000_000_000L / rate);
        long warmup = (long) (warmupSeconds * rate);
        long total = warmup + (long) (seconds * rate);
        Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        AtomicLong errors = new AtomicLong();
        AtomicLong non2xx = new AtomicLong();
        AtomicLong done = new AtomicLong();
        CountDownLatch finished = new CountDownLatch(1);
        long[] sent = {0};
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
        long[] measuredStart = {0};
        vertx.setPeriodic(1, id -> {
            long now = System.nanoTime();
            while (sent[0] < total && start + sent[0] * interval <= now) {
                long index = sent[0]++;
                long due = start + index * interval;
                boolean measured = index >= warmup;
                send(client, path, headers).onComplete(result -> {
                    long latency = System.nanoTime() - due;
                    if (measured) {
                        if (result.failed()) {
                            if (errors.incrementAndGet() == 1) {
                                System.err.println("first error: " + result.cause());
                            }
                        } else {
                            if (result.result() / 100 != 2) {
                                non2xx.incrementAndGet();
                            }
                            histogram.recordValue(Math.min(latency, histogram.getHighestTrackableValue()));
                        }
                    }
                    if (done.incrementAndGet() == total) {
                        finished.countDown();
                    }
                });
            }
            if (sent[0] >= total) {
                vertx.cancelTimer(id);
            }
        });
        measuredStart[0] = start + warmup * interval;
        boolean all = finished.await((long) (warmupSeconds + seconds) + 60, TimeUnit.SECONDS);
        double elapsed = (System.nanoTime() - measuredStart[0]) / 1e9;
        long measured = total - warmup;
        long missing = all ? 0 : total - done.get();
        System.out.printf(Locale.ROOT,
                "requests=%d errors=%d non2xx=%d unanswered=%d rate=%.0f p50_us=%.0f p90_us=%.0f p99_us=%.0f p999_us=%.0f max_us=%.0f%n",
                measured, errors.get(), non2xx.get(), missing, histogram.getTotalCount() / Math.max(elapsed, 1e-9),
                histogram.getValueAtPercentile(50) / 1e3, histogram.getValueAtPercentile(90) / 1e3,
                histogram.getValueAtPercentile(99) / 1e3, histogram.getValueAtPercentile(99.9) / 1e3,
                histogram.getMaxValue() / 1e3);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static void list(URI base, Path file, int connections) throws Exception {
        List<String[]> requests = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            int space = line.indexOf(' ');
            if (space > 0) {
                requests.add(new String[] {line.substring(0, space), line.substring(space + 1)});
            }
        }
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
        HttpClient client = client(vertx, base, connections);
        String prefix = base.getRawPath() == null ? "" : base.getRawPath();
        Map<String, AtomicInteger> statuses = new TreeMap<>();
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger next = new AtomicInteger();
        CountDownLatch finished = new CountDownLatch(requests.size());
        long start = System.nanoTime();
        Runnable[] pump = new Runnable[1];
        pump[0] = () -> {
            int index = next.getAndIncrement();
            if (index >= requests.size()) {
                return;
            }
            String[] request = requests.get(index);
            send(client, prefix + request[1], Map.of("Authorization", "Bearer " + request[0])).onComplete(result -> {
                if (result.failed()) {
                    errors.incrementAndGet();
                } else {
                    synchronized (statuses) {
                        statuses.computeIfAbsent("status_" + result.result(), key -> new AtomicInteger()).incrementAndGet();
                    }
                }
                finished.countDown();
                pump[0].run();
            });
        };
        vertx.runOnContext(nothing -> {
            for (int i = 0; i < connections; i++) {
                pump[0].run();
            }
        });
        finished.await(10, TimeUnit.MINUTES);
        StringBuilder out = new StringBuilder("requests=" + requests.size() + " errors=" + errors.get());
        synchronized (statuses) {
            statuses.forEach((status, count) -> out.append(' ').append(status).append('=').append(count.get()));
        }
        System.out.println(out.append(String.format(Locale.ROOT, " seconds=%.1f", (System.nanoTime() - start) / 1e9)));
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
