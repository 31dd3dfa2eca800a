package io.connectors.api.forward.registry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One authentication challenge of a {@code WWW-Authenticate} header (RFC 7235 §2.1, §4.1): a
 * scheme and its parameters (names lower-cased, quoted values unquoted). A header may carry
 * several challenges separated by commas, as may several header fields.
 */
public record Challenge(String scheme, Map<String, String> params) {

    public Challenge {
        params = Map.copyOf(params);
    }

    public Optional<String> param(String name) {
        return Optional.ofNullable(params.get(name.toLowerCase(Locale.ROOT)));
    }

    /** The {@code scope} parameter's scopes (space-separated, as registries send several). */
    public List<String> scopes() {
        return param("scope").map(scope -> Arrays.stream(scope.trim().split(" +")).filter(s -> !s.isEmpty()).toList())
                .orElse(List.of());
    }

    /** The first {@code Bearer} challenge with a realm among these header values, if any. */
    public static Optional<Challenge> bearer(List<String> headerValues) {
        for (String value : headerValues) {
            for (Challenge challenge : parse(value)) {
                if (challenge.scheme().equalsIgnoreCase("Bearer") && challenge.param("realm").isPresent()) {
                    return Optional.of(challenge);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The challenges of one header value; what cannot be parsed ends the list (a malformed challenge
     * is never guessed at). A {@code token68} (e.g. {@code Negotiate abc==}) is kept as parameter "".
     */
    public static List<Challenge> parse(String header) {
        List<Challenge> challenges = new ArrayList<>();
        if (header == null) {
            return challenges;
        }
        Cursor in = new Cursor(header);
        while (true) {
            in.skipListSeparators();
            String scheme = in.token();
            if (scheme == null) {
                return challenges;
            }
            Map<String, String> params = new LinkedHashMap<>();
            boolean ok = in.params(params);
            challenges.add(new Challenge(scheme, params));
            if (!ok) {
                return challenges;
            }
        }
    }

    private static final class Cursor {
        private final String s;
        private int pos;

        Cursor(String s) {
            this.s = s;
        }

        boolean atEnd() {
            return pos >= s.length();
        }

        void skipSpaces() {
            while (!atEnd() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t')) {
                pos++;
            }
        }

        void skipListSeparators() {
            while (!atEnd() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t' || s.charAt(pos) == ',')) {
                pos++;
            }
        }

        String token() {
            int start = pos;
            while (!atEnd() && isTokenChar(s.charAt(pos))) {
                pos++;
            }
            return pos == start ? null : s.substring(start, pos);
        }

        /**
         * Reads {@code name=value} pairs after a scheme into {@code params}; stops before the next
         * challenge's scheme. False when the rest of the header is malformed.
         */
        boolean params(Map<String, String> params) {
            skipSpaces();
            int token68 = pos;
            while (true) {
                int mark = pos;
                skipListSeparators();
                String name = token();
                if (name == null) {
                    return atEnd();
                }
                skipSpaces();
                if (atEnd() || s.charAt(pos) != '=') {
                    // A token without "=": the scheme of the next challenge.
                    pos = mark;
                    return true;
                }
                pos++;
                if (params.isEmpty() && mark == token68 && (atEnd() || s.charAt(pos) == '=' || s.charAt(pos) == ',')) {
                    // token68 ending in "=" padding: "Negotiate abc==".
                    while (!atEnd() && s.charAt(pos) == '=') {
                        pos++;
                    }
                    params.put("", s.substring(token68, pos));
                    continue;
                }
                skipSpaces();
                String value = atEnd() ? null : s.charAt(pos) == '"' ? quoted() : token();
                if (value == null) {
                    return false;
                }
                params.putIfAbsent(name.toLowerCase(Locale.ROOT), value);
                skipSpaces();
                if (!atEnd() && s.charAt(pos) != ',') {
                    return false;
                }
            }
        }

        private String quoted() {
            StringBuilder value = new StringBuilder();
            pos++;
            while (!atEnd()) {
                char c = s.charAt(pos++);
                if (c == '"') {
                    return value.toString();
                }
                if (c == '\\' && !atEnd()) {
                    c = s.charAt(pos++);
                }
                value.append(c);
            }
            return null;
        }

        private static boolean isTokenChar(char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~/".indexOf(c) >= 0;
        }
    }
}
