package io.connectors.api.route;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.connectors.api.errors.GatewayError;
import io.vertx.core.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Properties of the route matcher ({@link PathTemplate}, {@link RouteTree}, {@link ClassRoutes})
 * for any templates and any request path, checked against an independent matcher written here.
 * <p>
 * Input (ISO-8859-1 text, one item a line): template lines {@code [GET|POST] /template} up to a
 * line {@code ---}, then request lines {@code [GET|POST] /raw/request/path}. Seeds and findings:
 * {@code src/test/resources/io/connectors/api/route/RouteMatcherFuzzTestInputs/routes/}.
 */
class RouteMatcherFuzzTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private record Operation(String template, HttpMethod method, List<String> segments) {
    }

    @FuzzTest
    @DictionaryEntries({"GET ", "POST ", "---", "/", "{id}", "{a}", "}", "{", ".git", "{n}.git", "v{n}", "%2F",
            "%2f", "%61", "%41", "%25", "..", "%2e", ";", "%20", "%7E", "~"})
    void routes(byte[] input) {
        String text = new String(input, StandardCharsets.ISO_8859_1);
        String[] parts = text.split("\n---\n", 2);
        List<String[]> templateLines = lines(parts[0], 16);
        List<String[]> requestLines = parts.length > 1 ? lines(parts[1], 8) : List.of();

        RouteTree.Builder builder = new RouteTree.Builder();
        List<Operation> operations = new ArrayList<>();
        ObjectNode paths = JSON.createObjectNode();
        for (String[] line : templateLines) {
            HttpMethod method = HttpMethod.valueOf(line[0]);
            PathTemplate template;
            try {
                template = PathTemplate.parse(line[1]);
            } catch (InvalidOpenApi e) {
                continue;
            }
            if (paths.has(line[1]) && paths.get(line[1]).has(line[0].toLowerCase())) {
                continue;
            }
            try {
                builder.add(template, method, new RouteMatch(line[1], ProviderType.PROXY, Optional.empty()));
            } catch (InvalidOpenApi e) {
                // Two templates of one shape and method: the same conflict ClassRoutes refuses.
                continue;
            }
            operations.add(new Operation(line[1], method, templateSegments(line[1])));
            ObjectNode item = paths.has(line[1]) ? (ObjectNode) paths.get(line[1]) : paths.putObject(line[1]);
            item.putObject(line[0].toLowerCase());
        }
        RouteTree tree = builder.build();
        ObjectNode document = JSON.createObjectNode();
        document.set("paths", paths);
        ClassRoutes compiled = ClassRoutes.compile(document);
        assertThat(compiled.problem()).as("compiling %s", paths).isEmpty();

        for (String[] line : requestLines) {
            HttpMethod method = HttpMethod.valueOf(line[0]);
            String canonical;
            try {
                canonical = CanonicalPath.of(line[1]);
            } catch (GatewayError e) {
                continue;
            }
            Optional<RouteMatch> match = tree.match(method, canonical);
            List<String> request = requestSegments(canonical);
            checkMatch(operations, method, canonical, request, match);

            // The same canonical path, matched again, by the compiled class or spelled otherwise: the same match.
            assertThat(tree.match(method, canonical)).as("again %s", canonical).isEqualTo(match);
            assertThat(compiled.match(method, canonical)).as("compiled, %s", canonical).isEqualTo(match);
            String variant = respell(canonical, new Random(Arrays.hashCode(input)));
            assertThat(CanonicalPath.of(variant)).as("respelled %s as %s", canonical, variant).isEqualTo(canonical);
            assertThat(tree.match(method, CanonicalPath.of(variant))).as("respelled %s", variant).isEqualTo(match);
        }
    }

    private static void checkMatch(List<Operation> operations, HttpMethod method, String canonical,
            List<String> request, Optional<RouteMatch> match) {
        List<Operation> matching = operations.stream()
                .filter(op -> op.method() == method && matches(op.segments(), request)).toList();
        assertThat(match.isPresent()).as("%s %s matches %s", method, canonical, matching)
                .isEqualTo(!matching.isEmpty());
        if (match.isEmpty()) {
            return;
        }
        Operation winner = matching.stream().filter(op -> op.template().equals(match.get().template())).findFirst()
                .orElseThrow(() -> new AssertionError(canonical + " matched " + match.get().template()
                        + ", which does not match it segment for segment (matching: " + matching + ")"));
        // The most literal template wins: where the winner and another match part, the winner is no less literal.
        for (Operation other : matching) {
            for (int k = 0; k < request.size(); k++) {
                String mine = shape(winner.segments().get(k));
                String theirs = shape(other.segments().get(k));
                if (!mine.equals(theirs)) {
                    assertThat(kind(winner.segments().get(k))).as("%s won over %s for %s", winner.template(),
                            other.template(), canonical).isLessThanOrEqualTo(kind(other.segments().get(k)));
                    break;
                }
            }
        }
    }

    /** Up to {@code max} lines {@code [GET|POST] path} as {method, path}. */
    private static List<String[]> lines(String text, int max) {
        List<String[]> lines = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (lines.size() == max) {
                break;
            }
            if (line.startsWith("POST ")) {
                lines.add(new String[] {"POST", line.substring(5)});
            } else if (line.startsWith("GET ")) {
                lines.add(new String[] {"GET", line.substring(4)});
            } else {
                lines.add(new String[] {"GET", line});
            }
        }
        return lines;
    }

    static List<String> templateSegments(String template) {
        return Arrays.stream(template.split("/")).filter(segment -> !segment.isEmpty()).toList();
    }

    static List<String> requestSegments(String canonical) {
        return Arrays.stream(canonical.split("/")).filter(segment -> !segment.isEmpty()).toList();
    }

    /** The oracle: every template segment matches exactly one request segment. */
    static boolean matches(List<String> template, List<String> request) {
        if (template.size() != request.size()) {
            return false;
        }
        for (int i = 0; i < template.size(); i++) {
            if (!segmentMatches(template.get(i), request.get(i))) {
                return false;
            }
        }
        return true;
    }

    static boolean segmentMatches(String template, String segment) {
        assertThat(segment).isNotEmpty().doesNotContain("/");
        if (template.indexOf('{') < 0) {
            return CanonicalPath.segment(bytes(template)).equals(segment);
        }
        return glob(pieces(template), 0, segment, 0);
    }

    /** The canonical literal pieces around the variables of a template segment: n variables, n + 1 pieces. */
    static List<String> pieces(String template) {
        List<String> pieces = new ArrayList<>();
        StringBuilder piece = new StringBuilder();
        boolean inVariable = false;
        for (char c : template.toCharArray()) {
            if (c == '{') {
                pieces.add(CanonicalPath.encoding(bytes(piece.toString())));
                piece.setLength(0);
                inVariable = true;
            } else if (c == '}') {
                inVariable = false;
            } else if (!inVariable) {
                piece.append(c);
            }
        }
        pieces.add(CanonicalPath.encoding(bytes(piece.toString())));
        return pieces;
    }

    /** A template is text; the request its literals must equal carries them as UTF-8 bytes, one char a byte. */
    static String bytes(String templateText) {
        return new String(templateText.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    /** {@code pieces[p]} at {@code at}, then one or more chars per variable; memoised, so polynomial. */
    private static boolean glob(List<String> pieces, int p, String segment, int at) {
        return glob(pieces, p, segment, at, new Boolean[pieces.size()][segment.length() + 1]);
    }

    private static boolean glob(List<String> pieces, int p, String segment, int at, Boolean[][] memo) {
        if (memo[p][at] != null) {
            return memo[p][at];
        }
        String piece = pieces.get(p);
        boolean result = false;
        if (segment.startsWith(piece, at)) {
            int after = at + piece.length();
            if (p == pieces.size() - 1) {
                result = after == segment.length();
            } else {
                for (int next = after + 1; !result && next <= segment.length(); next++) {
                    result = glob(pieces, p + 1, segment, next, memo);
                }
            }
        }
        memo[p][at] = result;
        return result;
    }

    private static int kind(String templateSegment) {
        if (templateSegment.indexOf('{') < 0) {
            return 0;
        }
        boolean variable = templateSegment.startsWith("{") && templateSegment.endsWith("}")
                && templateSegment.indexOf('{', 1) < 0;
        return variable ? 2 : 1;
    }

    private static String shape(String templateSegment) {
        return switch (kind(templateSegment)) {
            case 0 -> "literal " + CanonicalPath.segment(bytes(templateSegment));
            case 1 -> "mixed " + pieces(templateSegment);
            default -> "variable";
        };
    }

    /**
     * Spells a canonical path otherwise, as a client may: unreserved chars percent-encoded (upper or
     * lower case hex), other encodings in lower case, doubled slashes.
     */
    static String respell(String canonical, Random random) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < canonical.length(); i++) {
            char c = canonical.charAt(i);
            if (c == '%') {
                String hex = canonical.substring(i, i + 3);
                out.append(random.nextBoolean() ? hex.toLowerCase() : hex);
                i += 2;
            } else if (c == '/') {
                out.append(random.nextInt(4) == 0 ? "//" : "/");
            } else if (CanonicalPathFuzzTest.isUnreserved(c) && random.nextBoolean()) {
                String hex = String.format("%%%02X", (int) c);
                out.append(random.nextBoolean() ? hex.toLowerCase() : hex);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
