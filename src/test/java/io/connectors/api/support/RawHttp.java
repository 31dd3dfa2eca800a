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

    private RawHttp() {
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
