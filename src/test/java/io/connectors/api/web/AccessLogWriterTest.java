package io.connectors.api.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class AccessLogWriterTest {

    /** Records each write as it came: how many calls, and what each held. */
    private static class Recording extends OutputStream {
        final List<String> writes = new ArrayList<>();

        @Override
        public synchronized void write(int b) {
            writes.add(String.valueOf((char) b));
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            writes.add(new String(b, off, len, StandardCharsets.UTF_8));
        }

        synchronized List<String> lines() {
            return Arrays.stream(String.join("", writes).split("\n")).filter(l -> !l.isEmpty()).toList();
        }
    }

    private static LogRecord line(String message) {
        return new LogRecord(Level.INFO, message);
    }

    @Test
    void manyLinesGoOutInFewWritesEachWholeAndInOrder() throws Exception {
        // The first write is held until every line is queued: what comes after it is batched.
        CountDownLatch queued = new CountDownLatch(1);
        Recording out = new Recording() {
            @Override
            public synchronized void write(byte[] b, int off, int len) {
                super.write(b, off, len);
                if (writes.size() == 1) {
                    try {
                        queued.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        AccessLogWriter writer = new AccessLogWriter(out, false, 100_000, lost -> { });
        for (int i = 0; i < 20_000; i++) {
            writer.publish(line("id=" + i + " status=200"));
        }
        queued.countDown();
        writer.close();
        List<String> lines = out.lines();
        assertThat(lines).hasSize(20_000);
        for (int i = 0; i < lines.size(); i++) {
            assertThat(lines.get(i)).endsWith(" INFO  [connectors.access] id=" + i + " status=200");
        }
        // Batched: hundreds of lines a write (64 KiB at most), every write ends on a line's end.
        assertThat(out.writes.size()).isLessThan(100);
        assertThat(out.writes).allMatch(w -> w.endsWith("\n"));
    }

    @Test
    void jsonLinesAreJsonWithTheMessageEscaped() {
        Recording out = new Recording();
        AccessLogWriter writer = new AccessLogWriter(out, true, 16, lost -> { });
        writer.publish(line("user=\"a\\b\" ctl=\u0001"));
        writer.close();
        JsonObject json = new JsonObject(out.lines().get(0));
        assertThat(json.getString("loggerName")).isEqualTo("connectors.access");
        assertThat(json.getString("level")).isEqualTo("INFO");
        assertThat(json.getString("message")).isEqualTo("user=\"a\\b\" ctl=\u0001");
        assertThat(json.getString("timestamp")).isNotBlank();
    }

    @Test
    void aStdoutThatCannotKeepUpCostsLinesThatAreCountedAndReportedNeverAWaitingCaller() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger written = new AtomicInteger();
        OutputStream stuck = new OutputStream() {
            @Override
            public void write(int b) {
            }

            @Override
            public void write(byte[] b, int off, int len) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                for (int i = off; i < off + len; i++) {
                    if (b[i] == '\n') {
                        written.incrementAndGet();
                    }
                }
            }
        };
        AtomicLong reported = new AtomicLong();
        AccessLogWriter writer = new AccessLogWriter(stuck, false, 10, reported::addAndGet);
        // The output is stuck until after this loop: were a caller held by it, the loop would never end.
        for (int i = 0; i < 1_000; i++) {
            writer.publish(line("id=" + i));
        }
        // At most the first batch (taken before the output stuck) and the 10 queued are not dropped.
        assertThat(writer.dropped()).isPositive();
        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> reported.get() == writer.dropped());
        writer.close();
        assertThat(written.get() + writer.dropped()).isEqualTo(1_000);
    }

    @Test
    void nothingIsLostAtCloseAndLinesAfterItAreWrittenAtOnce() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AccessLogWriter writer = new AccessLogWriter(out, false, 1_000, lost -> { });
        for (int i = 0; i < 500; i++) {
            writer.publish(line("before " + i));
        }
        writer.close();
        writer.publish(line("after"));
        String all = out.toString(StandardCharsets.UTF_8);
        assertThat(all.split("\n")).hasSize(501);
        assertThat(all).endsWith(" INFO  [connectors.access] after\n");
    }
}
