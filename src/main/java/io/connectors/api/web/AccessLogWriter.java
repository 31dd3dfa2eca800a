package io.connectors.api.web;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

/**
 * The access log's own handler: lines are queued by the event loop and written by one thread, many
 * lines per {@code write}. Writing each line through the console handler (a JSON formatter and one
 * system call a line) cost about a sixth of the gateway's CPU per proxied request.
 * <ul>
 * <li>The event loop never waits: a full queue drops the line, counts it ({@code dropped}) and the
 * writer says how many it lost, in the log and in a metric — never silently.</li>
 * <li>Each line stays whole on a stdout the logging library also writes to: a batch is one
 * {@code write} of whole lines on the same {@code PrintStream}, which serialises its writers.</li>
 * <li>None is lost at shutdown: {@link #close()} writes what is queued, and anything published
 * after it is written at once, on the caller's thread.</li>
 * </ul>
 */
public final class AccessLogWriter extends Handler {

    /** Most bytes gathered into one write: a few hundred lines, well below what a pipe takes at once. */
    private static final int BATCH_BYTES = 64 * 1024;

    private final BlockingQueue<String> queue;
    private final OutputStream out;
    private final boolean json;
    private final LongConsumer onDropped;
    private final AtomicLong dropped = new AtomicLong();
    private final Thread writer;
    private volatile boolean closed;
    /** Drops already told to {@code onDropped}; read and written by the writer thread, then by close() after it ended. */
    private long reported;

    /**
     * @param out where the lines go (stdout in production)
     * @param json whether a line is a JSON object (as the console's other lines in production) or plain text
     * @param capacity most lines waiting to be written
     * @param onDropped told, from the writer's thread, how many lines had to be dropped since it was last told
     */
    public AccessLogWriter(OutputStream out, boolean json, int capacity, LongConsumer onDropped) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.out = out;
        this.json = json;
        this.onDropped = onDropped;
        this.writer = new Thread(this::drain, "access-log-writer");
        writer.setDaemon(true);
        writer.start();
    }

    @Override
    public void publish(LogRecord record) {
        if (!isLoggable(record)) {
            return;
        }
        String line = format(record.getMessage(), record.getInstant(), record.getSequenceNumber());
        if (!queue.offer(line)) {
            dropped.incrementAndGet();
        }
        if (closed) {
            // Past close() (or racing it): nobody else will take what is queued.
            writeQueued();
        }
    }

    /** Lines dropped so far because stdout could not keep up. */
    public long dropped() {
        return dropped.get();
    }

    private void drain() {
        while (!closed) {
            try {
                String first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first != null) {
                    writeQueued(first);
                }
            } catch (InterruptedException e) {
                break; // close() writes what is left
            }
            reportDrops();
        }
    }

    private void reportDrops() {
        long now = dropped.get();
        if (now != reported) {
            onDropped.accept(now - reported);
            reported = now;
        }
    }

    private void writeQueued() {
        writeQueued(null);
    }

    /** Writes {@code first} (if any) and what is queued behind it; one writer at a time keeps the lines in order. */
    private synchronized void writeQueued(String first) {
        List<String> batch = new ArrayList<>();
        if (first != null) {
            batch.add(first);
        }
        queue.drainTo(batch);
        if (!batch.isEmpty()) {
            write(batch);
        }
    }

    private void write(List<String> lines) {
        byte[] buffer = new byte[Math.min(BATCH_BYTES, 512 * Math.max(1, lines.size()))];
        int length = 0;
        for (String line : lines) {
            byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
            if (length > 0 && length + bytes.length > buffer.length) {
                flush(buffer, length);
                length = 0;
            }
            if (bytes.length > buffer.length) {
                flush(bytes, bytes.length);
                continue;
            }
            System.arraycopy(bytes, 0, buffer, length, bytes.length);
            length += bytes.length;
        }
        if (length > 0) {
            flush(buffer, length);
        }
    }

    private void flush(byte[] bytes, int length) {
        try {
            // One call: a PrintStream (stdout) holds its lock for the whole of it, so no other
            // writer's line lands inside one of ours.
            out.write(bytes, 0, length);
            out.flush();
        } catch (IOException e) {
            reportError("access log not written", e, 0);
        }
    }

    /** {@code sequence}: the record's own, from the same counter as the logging library's other lines. */
    private String format(String message, Instant time, long sequence) {
        StringBuilder line = new StringBuilder(message.length() + 96);
        if (json) {
            line.append("{\"timestamp\":\"").append(time).append("\",\"sequence\":").append(sequence)
                    .append(",\"loggerName\":\"connectors.access\",\"level\":\"INFO\",\"message\":\"");
            escapeJson(line, message);
            line.append("\"}");
        } else {
            line.append(time).append(" INFO  [connectors.access] ").append(message);
        }
        return line.append('\n').toString();
    }

    private static void escapeJson(StringBuilder out, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
    }

    @Override
    public void flush() {
        // Lines are written as soon as the writer thread takes them; close() writes what is left.
    }

    /** Writes what is queued; from now on every line is written at once, on the caller's thread. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        writer.interrupt();
        try {
            writer.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writeQueued();
        reportDrops();
    }
}
