package io.connectors.api.route;

import io.connectors.api.errors.GatewayError;

/**
 * The one form in which request paths are routed, authorised and forwarded, so that no two
 * spellings of a path can be told apart by one stage and not by another (a literal segment
 * missed because of {@code gitref%73}, a template permission dodged by {@code //}):
 * <ul>
 * <li>percent-encoded unreserved characters are decoded ({@code %73} → {@code s}); every other
 * percent-encoding stays, with upper-case hex ({@code %2f} → {@code %2F}: a slash inside a
 * segment stays inside it);</li>
 * <li>characters that may not appear raw in a path (non-ASCII bytes, {@code "<>[]{}|^`}) are
 * percent-encoded byte for byte;</li>
 * <li>empty segments collapse ({@code /a//b} → {@code /a/b}); one trailing slash is kept.</li>
 * </ul>
 * Refused with 400, whatever the spelling: dot segments ({@code .}, {@code ..}), raw or encoded,
 * double (or more) encoded, with {@code ;} parameters ({@code ..;x}), padded with blanks, or
 * hidden behind an encoded slash; NUL; backslashes; control characters; malformed
 * percent-encoding; overlong UTF-8 ({@code %C0%AE} is a dot to a lax decoder, and no valid
 * UTF-8 is ever spelt that way).
 */
public final class CanonicalPath {

    /** Encodings are peeled this many times at most when looking for a hidden dot segment. */
    private static final int MAX_DECODINGS = 8;
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private CanonicalPath() {
    }

    /** {@code rawPath} is "" or starts with "/"; the result is "" or starts with "/". */
    public static String of(String rawPath) {
        if (rawPath.isEmpty()) {
            return rawPath;
        }
        if (rawPath.charAt(0) != '/') {
            throw malformed();
        }
        StringBuilder out = new StringBuilder(rawPath.length());
        int start = 1;
        while (start <= rawPath.length()) {
            int end = rawPath.indexOf('/', start);
            if (end < 0) {
                end = rawPath.length();
            }
            if (end > start) {
                out.append('/').append(segment(rawPath.substring(start, end)));
            }
            start = end + 1;
        }
        if (rawPath.length() > 1 && rawPath.endsWith("/") || out.length() == 0) {
            out.append('/');
        }
        return out.toString();
    }

    /** One canonical, safe segment (no slash in {@code raw}); refuses what {@link #of} refuses. */
    public static String segment(String raw) {
        String canonical = encoding(raw);
        refuseHiddenDotSegments(canonical);
        return canonical;
    }

    /**
     * Only the canonical percent-encoding of a piece of a segment, with no dot-segment check (for
     * the literal text around variables in a template, e.g. the {@code .} of {@code {a}.{b}}).
     */
    public static String encoding(String raw) {
        StringBuilder out = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    throw malformed();
                }
                int high = hexDigit(raw.charAt(i + 1));
                int low = hexDigit(raw.charAt(i + 2));
                if (high < 0 || low < 0) {
                    throw malformed();
                }
                int decoded = high * 16 + low;
                if (isUnreserved(decoded)) {
                    out.append((char) decoded);
                } else {
                    encode(out, decoded);
                }
                i += 2;
            } else if (c < 0x21 || c == 0x7f || c == '\\') {
                throw malformed();
            } else if (c > 0xff) {
                // The HTTP decoder hands request-line bytes over as ISO-8859-1 chars: nothing above 0xFF is a byte.
                throw malformed();
            } else if (c >= 0x80 || !isPathChar(c)) {
                encode(out, c);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * Decodes the segment again and again (a tool or a framework behind the tool may decode once
     * more than we do) and refuses it if any layer is, or holds behind an encoded slash, a dot
     * segment, a NUL or a backslash.
     */
    private static void refuseHiddenDotSegments(String canonical) {
        String layer = canonical;
        for (int round = 0; round < MAX_DECODINGS; round++) {
            if (layer.indexOf('\0') >= 0 || layer.indexOf('\\') >= 0 || hasOverlongUtf8(layer)) {
                throw malformed();
            }
            for (String part : layer.split("/", -1)) {
                if (isDotSegment(part)) {
                    throw malformed();
                }
            }
            String next = decodeLeniently(layer);
            if (next.equals(layer)) {
                return;
            }
            layer = next;
        }
        throw malformed();
    }

    /**
     * An overlong UTF-8 sequence among the decoded bytes (one char a byte): lead byte C0 or C1, or
     * E0 followed by 80-9F, or F0 followed by 80-8F. Lax decoders turn them into {@code .}, {@code /}
     * or a backslash (the Tomcat and IIS traversals); a valid UTF-8 text never contains them.
     */
    private static boolean hasOverlongUtf8(String layer) {
        for (int i = 0; i < layer.length(); i++) {
            char c = layer.charAt(i);
            char next = i + 1 < layer.length() ? layer.charAt(i + 1) : 0;
            if (c == 0xC0 || c == 0xC1 || (c == 0xE0 && next >= 0x80 && next <= 0x9F)
                    || (c == 0xF0 && next >= 0x80 && next <= 0x8F)) {
                return true;
            }
        }
        return false;
    }

    /** {@code .} or {@code ..}, also with {@code ;} path parameters and blanks around (Tomcat, Jetty, IIS). */
    private static boolean isDotSegment(String part) {
        int parameters = part.indexOf(';');
        String name = (parameters < 0 ? part : part.substring(0, parameters)).strip();
        return name.equals(".") || name.equals("..");
    }

    /** Decodes every well-formed percent-encoding once; a stray {@code %} stays as it is. */
    private static String decodeLeniently(String text) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%' && i + 2 < text.length()) {
                int high = hexDigit(text.charAt(i + 1));
                int low = hexDigit(text.charAt(i + 2));
                if (high >= 0 && low >= 0) {
                    out.append((char) (high * 16 + low));
                    i += 2;
                    continue;
                }
            }
            out.append(c);
        }
        return out.toString();
    }

    /**
     * ASCII hex only: {@code Character.digit} also takes other scripts' digits ({@code %\u0666\u0661}
     * was read as {@code %61}), letting chars that are no byte through as an encoding.
     */
    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private static boolean isUnreserved(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
    }

    /** RFC 3986 pchar without percent: unreserved, sub-delims, ":" and "@". */
    private static boolean isPathChar(char c) {
        return isUnreserved(c) || "!$&'()*+,;=:@".indexOf(c) >= 0;
    }

    private static void encode(StringBuilder out, int b) {
        out.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
    }

    private static GatewayError malformed() {
        return GatewayError.badRequest("malformed request path: dot segments (in any spelling), backslashes, NUL,"
                + " control characters and bad percent-encoding are not allowed");
    }
}
