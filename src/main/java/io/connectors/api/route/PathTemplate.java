package io.connectors.api.route;

import io.connectors.api.errors.GatewayError;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An OpenAPI path template split into segments, each matched against one segment of the request's
 * canonical path ({@link CanonicalPath}). Trailing slashes do not count: {@code /a/} is {@code /a}.
 */
record PathTemplate(String text, List<Segment> segments) {

    /** One segment of a template. */
    sealed interface Segment {

        /** Identifies the segment's shape, so that {@code {a}.git} and {@code {b}.git} share a tree node. */
        String shape();
    }

    /** Matches exactly this raw text. */
    record Literal(String text) implements Segment {

        @Override
        public String shape() {
            return text;
        }
    }

    /** {@code {name}}: any one non-empty raw segment. */
    record Variable() implements Segment {

        @Override
        public String shape() {
            return "{}";
        }
    }

    /**
     * Literal text around variables, e.g. {@code {name}.git}: one raw segment. {@code pieces} are the
     * canonical literals before, between and after the variables (n variables, n + 1 pieces, "" where
     * variables touch or the segment starts or ends with one); each variable takes one or more chars.
     */
    record Mixed(List<String> pieces) implements Segment {

        Mixed {
            pieces = List.copyOf(pieces);
        }

        @Override
        public String shape() {
            // "{}" cannot be in a canonical piece (braces are percent-encoded), so shapes do not collide.
            return String.join("{}", pieces);
        }

        /**
         * Whether {@code segment} is this template segment. Linear, not a backtracking regex: with a few
         * variables in one segment (".+a.+a.+a.+b"), a regex takes polynomial time in the segment's length,
         * minutes on the event loop for one request. Placing each middle piece at its leftmost possible
         * place leaves the most room to the pieces after it, so that finds a match whenever there is one.
         */
        boolean matches(String segment) {
            String first = pieces.get(0);
            String last = pieces.get(pieces.size() - 1);
            int end = segment.length() - last.length();
            if (!segment.startsWith(first) || !segment.endsWith(last) || end < first.length()) {
                return false;
            }
            int at = first.length();
            for (int i = 1; i < pieces.size() - 1; i++) {
                String piece = pieces.get(i);
                int found = segment.indexOf(piece, at + 1);
                if (found <= at || found + piece.length() > end) {
                    return false;
                }
                at = found + piece.length();
            }
            return at + 1 <= end;
        }
    }

    PathTemplate {
        segments = List.copyOf(segments);
    }

    static PathTemplate parse(String text) throws InvalidOpenApi {
        if (!text.startsWith("/")) {
            throw new InvalidOpenApi("path \"" + text + "\" does not start with \"/\"");
        }
        String trimmed = text;
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        List<Segment> segments = new ArrayList<>();
        if (!trimmed.isEmpty()) {
            for (String segment : trimmed.substring(1).split("/", -1)) {
                // Empty segments collapse in request paths; so they do here.
                if (!segment.isEmpty()) {
                    segments.add(segment(text, segment));
                }
            }
        }
        return new PathTemplate(text, segments);
    }

    private static Segment segment(String template, String segment) throws InvalidOpenApi {
        if (segment.indexOf('{') < 0 && segment.indexOf('}') < 0) {
            return new Literal(canonical(template, segment, true));
        }
        List<String> pieces = new ArrayList<>();
        int variables = 0;
        int i = 0;
        while (i < segment.length()) {
            int open = segment.indexOf('{', i);
            int close = segment.indexOf('}', i);
            if (open < 0 && close < 0) {
                break;
            }
            if (open < 0 || close < open) {
                throw unbalanced(template);
            }
            int nested = segment.indexOf('{', open + 1);
            if (close < 0 || (nested >= 0 && nested < close)) {
                throw unbalanced(template);
            }
            if (close == open + 1) {
                throw new InvalidOpenApi("path \"" + template + "\" has an unnamed parameter \"{}\"");
            }
            pieces.add(canonical(template, segment.substring(i, open), false));
            variables++;
            i = close + 1;
        }
        pieces.add(canonical(template, segment.substring(Math.min(i, segment.length())), false));
        boolean wholeSegment = variables == 1 && segment.startsWith("{") && segment.endsWith("}");
        return wholeSegment ? new Variable() : new Mixed(pieces);
    }

    /**
     * Literal text in the canonical form requests are matched in ({@link CanonicalPath}), so that a
     * template and a request spelling the same path differently still meet.
     */
    private static String canonical(String template, String literal, boolean wholeSegment) throws InvalidOpenApi {
        // A template is text, a request path bytes (one char a byte): "/café" is what clients send as
        // "/caf%C3%A9", so the template's text goes through its UTF-8 bytes, as theirs did.
        String bytes = new String(literal.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        try {
            return wholeSegment ? CanonicalPath.segment(bytes) : CanonicalPath.encoding(bytes);
        } catch (GatewayError e) {
            throw new InvalidOpenApi("path \"" + template + "\" is not a valid path: " + e.getMessage());
        }
    }

    private static InvalidOpenApi unbalanced(String template) {
        return new InvalidOpenApi("path \"" + template + "\" has unbalanced braces");
    }
}
