package io.connectors.api.web;

import io.connectors.api.errors.GatewayError;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Refuses api-paths that could escape their prefix at the tool or slip past a path-template
 * permission: dot segments (raw or percent-encoded, alone or around an encoded slash),
 * backslashes and NUL, and malformed percent-encoding. Checked before any permission check.
 */
public final class PathSafety {

    private PathSafety() {
    }

    public static void check(String rawApiPath) {
        if (rawApiPath.isEmpty()) {
            return;
        }
        for (String segment : rawApiPath.split("/", -1)) {
            String decoded = decode(segment);
            if (decoded.indexOf('\0') >= 0 || decoded.indexOf('\\') >= 0) {
                throw malformed();
            }
            for (String part : decoded.split("/", -1)) {
                if (part.equals(".") || part.equals("..")) {
                    throw malformed();
                }
            }
        }
    }

    static String decode(String segment) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(segment.length());
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '%') {
                if (i + 2 >= segment.length()) {
                    throw malformed();
                }
                int high = Character.digit(segment.charAt(i + 1), 16);
                int low = Character.digit(segment.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    throw malformed();
                }
                bytes.write(high * 16 + low);
                i += 2;
            } else {
                byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(encoded, 0, encoded.length);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static GatewayError malformed() {
        return GatewayError.badRequest("malformed request path: dot segments, backslashes, NUL and bad"
                + " percent-encoding are not allowed");
    }
}
