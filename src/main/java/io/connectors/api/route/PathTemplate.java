package io.connectors.api.route;

import io.connectors.api.errors.GatewayError;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

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

    /** Literal text around variables, e.g. {@code {name}.git}: one raw segment, by pattern. */
    record Mixed(Pattern pattern) implements Segment {

        @Override
        public String shape() {
            return pattern.pattern();
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
        StringBuilder regex = new StringBuilder();
        int variables = 0;
        int i = 0;
        while (i < segment.length()) {
            int open = segment.indexOf('{', i);
            int close = segment.indexOf('}', i);
            if (open < 0 && close < 0) {
                regex.append(Pattern.quote(canonical(template, segment.substring(i), false)));
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
            if (open > i) {
                regex.append(Pattern.quote(canonical(template, segment.substring(i, open), false)));
            }
            regex.append(".+");
            variables++;
            i = close + 1;
        }
        boolean wholeSegment = variables == 1 && segment.startsWith("{") && segment.endsWith("}");
        return wholeSegment ? new Variable() : new Mixed(Pattern.compile(regex.toString()));
    }

    /**
     * Literal text in the canonical form requests are matched in ({@link CanonicalPath}), so that a
     * template and a request spelling the same path differently still meet.
     */
    private static String canonical(String template, String literal, boolean wholeSegment) throws InvalidOpenApi {
        try {
            return wholeSegment ? CanonicalPath.segment(literal) : CanonicalPath.encoding(literal);
        } catch (GatewayError e) {
            throw new InvalidOpenApi("path \"" + template + "\" is not a valid path: " + e.getMessage());
        }
    }

    private static InvalidOpenApi unbalanced(String template) {
        return new InvalidOpenApi("path \"" + template + "\" has unbalanced braces");
    }
}
