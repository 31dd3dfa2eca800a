package io.connectors.api.support;

import io.restassured.RestAssured;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 request written byte for byte on a socket to the gateway under test, for what HTTP
 * clients would refuse or "fix" on the way (dot segments, odd encodings, broken headers). The
 * connection is closed after the answer; the answer is read whole (bounded by a socket timeout).
 */
public final class RawHttp {

    /** Status code and raw text of an answer (head and body). */
    public record Answer(int status, String text) {

        public String body() {
            int end = text.indexOf("\r\n\r\n");
            return end < 0 ? "" : text.substring(end + 4);
        }
    }

    /**
     * Everything that came back on one connection: the answers in order (a pipeline gives several),
     * the raw bytes as ISO-8859-1 text, and whether the read ended by timeout instead of by the
     * gateway closing the connection (or by a 101, after which the connection is the tunnel's).
     */
    public record Conversation(java.util.List<Answer> answers, String raw, boolean timedOut) {

        public java.util.List<Integer> statuses() {
            return answers.stream().map(Answer::status).toList();
        }
    }

    private RawHttp() {
    }

    /**
     * Writes {@code request} (ISO-8859-1 bytes, possibly several pipelined requests) and reads until
     * the gateway closes the connection, an answer is a {@code 101}, or {@code timeout} passes
     * without a byte. Once {@code expectedAnswers} (at least one) complete answers are in, whatever
     * else comes within {@link #GRACE} is read too (a smuggled request's answer), and a silence after
     * that is no timeout: the connection is merely kept alive.
     */
    public static Conversation converse(String request, java.time.Duration timeout, int expectedAnswers) {
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            socket.setSoTimeout((int) timeout.toMillis());
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            boolean timedOut = false;
            boolean inGrace = false;
            try {
                out.write(request.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                byte[] buffer = new byte[8192];
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    received.write(buffer, 0, n);
                    String raw = received.toString(StandardCharsets.ISO_8859_1);
                    if (parse(raw).stream().anyMatch(a -> a.status() == 101)) {
                        break;
                    }
                    if (!inGrace && expectedAnswers > 0 && completeAnswers(raw) >= expectedAnswers) {
                        inGrace = true;
                        socket.setSoTimeout((int) GRACE.toMillis());
                    }
                }
            } catch (java.net.SocketTimeoutException e) {
                timedOut = !inGrace;
            } catch (java.net.SocketException e) {
                // A reset (or a refused write) after the gateway gave up on the request: what arrived is the answer.
            }
            String raw = received.toString(StandardCharsets.ISO_8859_1);
            return new Conversation(parse(raw), raw, timedOut);
        } catch (IOException e) {
            throw new IllegalStateException("cannot talk to the gateway", e);
        }
    }

    /** How long a kept-alive connection is still read after the expected answers, for unexpected ones. */
    public static final java.time.Duration GRACE = java.time.Duration.ofMillis(500);

    /** Answers whose end is known (by Content-Length, the last chunk, or a status without a body). */
    static int completeAnswers(String raw) {
        int complete = 0;
        int at = 0;
        while (at < raw.length() && raw.startsWith("HTTP/1.", at)) {
            int headEnd = raw.indexOf("\r\n\r\n", at);
            if (headEnd < 0) {
                return complete;
            }
            int end = bodyEnd(raw, at, headEnd);
            if (end < 0) {
                return complete;
            }
            complete++;
            at = end;
        }
        return complete;
    }

    /** Where the answer whose head ends at {@code headEnd} ends, or -1 when that is not known yet. */
    private static int bodyEnd(String raw, int at, int headEnd) {
        String head = raw.substring(at, headEnd + 4);
        int status = statusOf(head);
        int bodyStart = headEnd + 4;
        String lowerHead = head.toLowerCase(java.util.Locale.ROOT);
        java.util.regex.Matcher length = java.util.regex.Pattern.compile("\r\ncontent-length:\\s*(\\d+)").matcher(lowerHead);
        if (status == 204 || status == 304 || (status >= 100 && status < 200)) {
            return bodyStart;
        }
        if (lowerHead.contains("\r\ntransfer-encoding: chunked")) {
            int end = chunkedEnd(raw, bodyStart);
            return end == raw.length() && !raw.endsWith("\r\n\r\n") ? -1 : end;
        }
        if (length.find()) {
            long end = bodyStart + Long.parseLong(length.group(1));
            return end <= raw.length() ? (int) end : -1;
        }
        return -1;
    }

    /** Splits a stream of HTTP/1.x responses (Content-Length, chunked, or up to the end; a 101 ends the stream). */
    static java.util.List<Answer> parse(String raw) {
        java.util.List<Answer> answers = new java.util.ArrayList<>();
        int at = 0;
        while (at < raw.length() && raw.startsWith("HTTP/1.", at)) {
            int headEnd = raw.indexOf("\r\n\r\n", at);
            if (headEnd < 0) {
                answers.add(new Answer(statusOf(raw.substring(at)), raw.substring(at)));
                break;
            }
            String head = raw.substring(at, headEnd + 4);
            int status = statusOf(head);
            int bodyStart = headEnd + 4;
            int end;
            String lowerHead = head.toLowerCase(java.util.Locale.ROOT);
            java.util.regex.Matcher length = java.util.regex.Pattern.compile("\r\ncontent-length:\\s*(\\d+)")
                    .matcher(lowerHead);
            if (status == 101 || status == 204 || status == 304 || (status >= 100 && status < 200)) {
                end = bodyStart;
            } else if (lowerHead.contains("\r\ntransfer-encoding: chunked")) {
                end = chunkedEnd(raw, bodyStart);
            } else if (length.find()) {
                end = (int) Math.min(raw.length(), bodyStart + Long.parseLong(length.group(1)));
            } else {
                end = raw.length();
            }
            answers.add(new Answer(status, raw.substring(at, end)));
            if (status == 101) {
                break;
            }
            at = end;
        }
        return answers;
    }

    private static int chunkedEnd(String raw, int from) {
        int at = from;
        while (true) {
            int lineEnd = raw.indexOf("\r\n", at);
            if (lineEnd < 0) {
                return raw.length();
            }
            String sizeText = raw.substring(at, lineEnd).split(";", 2)[0].trim();
            int size;
            try {
                size = Integer.parseInt(sizeText, 16);
            } catch (NumberFormatException e) {
                return raw.length();
            }
            if (size == 0) {
                int trailerEnd = raw.indexOf("\r\n\r\n", lineEnd);
                return trailerEnd < 0 ? raw.length() : trailerEnd + 4;
            }
            at = lineEnd + 2 + size + 2;
            if (at > raw.length()) {
                return raw.length();
            }
        }
    }

    private static int statusOf(String text) {
        try {
            return text.startsWith("HTTP/1.") && text.length() >= 12 ? Integer.parseInt(text.substring(9, 12)) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** A GET of {@code target} (sent as is) with an Authorization header, Host and Connection: close. */
    public static Answer get(String target, String token) {
        return send("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
                + "\r\nConnection: close\r\n\r\n");
    }

    /** Sends exactly {@code request} (ISO-8859-1 bytes) and reads until the gateway closes or 10 s pass. */
    public static Answer send(String request) {
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            try {
                while ((n = in.read(buffer)) >= 0) {
                    answer.write(buffer, 0, n);
                }
            } catch (java.net.SocketTimeoutException | java.net.SocketException e) {
                // What arrived before the timeout or the reset is the answer.
            }
            String text = answer.toString(StandardCharsets.ISO_8859_1);
            int status = text.startsWith("HTTP/1.") && text.length() >= 12 ? Integer.parseInt(text.substring(9, 12)) : -1;
            return new Answer(status, text);
        } catch (IOException e) {
            throw new IllegalStateException("cannot talk to the gateway", e);
        }
    }
}
