package io.connectors.api.route;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.connectors.api.errors.GatewayError;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Properties of {@link CanonicalPath#of} for any input. The input bytes are the request path as
 * the HTTP decoder hands it over (one ISO-8859-1 char per byte); an input starting with a NUL byte
 * is decoded as UTF-8 instead, to reach chars above 0xFF too. Seeds and findings:
 * {@code src/test/resources/io/connectors/api/route/CanonicalPathFuzzTestInputs/canonicalPath/}.
 */
class CanonicalPathFuzzTest {

    @FuzzTest
    @DictionaryEntries({"/", "..", ".", "%2e", "%2E", "%25", "%2f", "%2F", "%5c", "%00", ";", "%3b", "%252e",
            "%20", "%09", "%7E", "%41", "%C3%A9", "\\"})
    void canonicalPath(byte[] input) {
        String raw = path(input);
        String canonical;
        try {
            canonical = CanonicalPath.of(raw);
        } catch (GatewayError e) {
            assertThat(e.code()).as("status for %s", raw).isEqualTo(400);
            return;
        }
        // Only 400 or a result: any other exception fails the test as it is.
        assertCanonical(raw, canonical);
        assertThat(CanonicalPath.of(canonical)).as("of(of(%s))", raw).isEqualTo(canonical);
    }

    static String path(byte[] input) {
        if (input.length > 0 && input[0] == 0) {
            return new String(input, 1, input.length - 1, StandardCharsets.UTF_8);
        }
        return new String(input, StandardCharsets.ISO_8859_1);
    }

    /** What every canonical path is, checked independently of how {@link CanonicalPath} gets there. */
    static void assertCanonical(String raw, String canonical) {
        if (raw.isEmpty()) {
            assertThat(canonical).isEmpty();
            return;
        }
        assertThat(raw).as("accepted a path that does not start with /").startsWith("/");
        for (int i = 0; i < raw.length(); i++) {
            assertThat((int) raw.charAt(i)).as("accepted char above 0xFF in %s", raw).isLessThanOrEqualTo(0xff);
        }
        assertThat(canonical).as("canonical of %s", raw).startsWith("/");
        // No empty segment but one trailing slash ("/" itself is the empty path with its trailing slash).
        assertThat(canonical).as("canonical of %s", raw).doesNotContain("//");
        assertThat(canonical.endsWith("/")).as("trailing slash of %s", raw).isEqualTo(raw.endsWith("/"));
        for (int i = 0; i < canonical.length(); i++) {
            char c = canonical.charAt(i);
            if (c == '%') {
                assertThat(i + 2).as("truncated encoding in %s", canonical).isLessThan(canonical.length());
                String hex = canonical.substring(i + 1, i + 3);
                assertThat(hex).as("hex in %s", canonical).matches("[0-9A-F]{2}");
                assertThat(isUnreserved(Integer.parseInt(hex, 16))).as("encoded unreserved char in %s", canonical)
                        .isFalse();
                i += 2;
            } else {
                assertThat(isUnreserved(c) || "!$&'()*+,;=:@/".indexOf(c) >= 0)
                        .as("char %s in %s", (int) c, canonical).isTrue();
            }
        }
        assertNoDotSegmentInAnyLayer(canonical);
    }

    /**
     * Decodes the path until nothing changes (each decoding shortens it, so this ends): no layer has
     * a {@code .} or {@code ..} segment (with {@code ;} parameters or blanks around), a NUL or a backslash.
     */
    static void assertNoDotSegmentInAnyLayer(String canonical) {
        String layer = canonical;
        while (true) {
            assertThat(layer).as("layer of %s", canonical).doesNotContain("\0").doesNotContain("\\");
            String current = layer;
            Arrays.stream(layer.split("/", -1)).forEach(segment -> {
                int parameters = segment.indexOf(';');
                String name = (parameters < 0 ? segment : segment.substring(0, parameters)).strip();
                assertThat(name).as("dot segment in layer %s of %s", current, canonical).isNotIn(".", "..");
            });
            String next = decodeOnce(layer);
            if (next.equals(layer)) {
                return;
            }
            layer = next;
        }
    }

    private static String decodeOnce(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%' && i + 2 < text.length() && hex(text.charAt(i + 1)) >= 0 && hex(text.charAt(i + 2)) >= 0) {
                out.append((char) (hex(text.charAt(i + 1)) * 16 + hex(text.charAt(i + 2))));
                i += 2;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static int hex(char c) {
        return "0123456789abcdef".indexOf(Character.toLowerCase(c));
    }

    static boolean isUnreserved(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0;
    }
}
