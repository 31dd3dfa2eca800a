package io.connectors.api.route;

import io.connectors.api.route.PathTemplate.Literal;
import io.connectors.api.route.PathTemplate.Mixed;
import io.connectors.api.route.PathTemplate.Segment;
import io.vertx.core.http.HttpMethod;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The operations of one class's OpenAPI paths as an immutable tree of segments. Matching walks
 * it depth first, trying at each position a literal child, then mixed segments, then a variable,
 * and backtracks when a branch has no operation for the method: so the most literal template that
 * has the operation wins, and each node is visited at most once per request.
 */
final class RouteTree {

    static final RouteTree EMPTY = new Builder().build();

    private record MixedChild(Mixed segment, Node node) {
    }

    private record Node(Map<String, Node> literals, List<MixedChild> mixed, Node variable,
            Map<HttpMethod, RouteMatch> operations) {

        RouteMatch operation(HttpMethod method) {
            RouteMatch own = operations.get(method);
            if (own == null && (method == HttpMethod.HEAD || method == HttpMethod.OPTIONS)) {
                return operations.get(HttpMethod.GET);
            }
            return own;
        }
    }

    private final Node root;

    private RouteTree(Node root) {
        this.root = root;
    }

    /** {@code rawPath} is "" or starts with "/"; it is matched as it came, percent-encoding and all. */
    Optional<RouteMatch> match(HttpMethod method, String rawPath) {
        int end = rawPath.length();
        while (end > 0 && rawPath.charAt(end - 1) == '/') {
            end--;
        }
        return Optional.ofNullable(find(root, rawPath, 0, end, method));
    }

    /** {@code from} is the index of the slash before the next segment, or {@code end} when none is left. */
    private static RouteMatch find(Node node, String path, int from, int end, HttpMethod method) {
        if (from >= end) {
            return node.operation(method);
        }
        int start = path.charAt(from) == '/' ? from + 1 : from;
        int next = path.indexOf('/', start);
        if (next < 0 || next > end) {
            next = end;
        }
        String segment = path.substring(start, next);
        Node literal = node.literals().get(segment);
        RouteMatch found = literal == null ? null : find(literal, path, next, end, method);
        for (int i = 0; found == null && i < node.mixed().size(); i++) {
            MixedChild child = node.mixed().get(i);
            if (child.segment().matches(segment)) {
                found = find(child.node(), path, next, end, method);
            }
        }
        if (found == null && node.variable() != null && !segment.isEmpty()) {
            found = find(node.variable(), path, next, end, method);
        }
        return found;
    }

    /** Collects operations; two operations on templates of the same shape and method are a conflict. */
    static final class Builder {

        private final Draft root = new Draft();

        void add(PathTemplate template, HttpMethod method, RouteMatch match) throws InvalidOpenApi {
            Draft node = root;
            for (Segment segment : template.segments()) {
                node = node.child(segment);
            }
            RouteMatch previous = node.operations.putIfAbsent(method, match);
            if (previous != null) {
                throw new InvalidOpenApi("paths \"" + previous.template() + "\" and \"" + template.text()
                        + "\" both define " + method.name().toLowerCase(Locale.ROOT)
                        + " for the same template");
            }
        }

        RouteTree build() {
            return new RouteTree(root.build());
        }
    }

    private record MixedDraft(Mixed segment, Draft node) {
    }

    /** A node while the tree is being built; frozen into a {@link Node} by {@link Builder#build()}. */
    private static final class Draft {

        final Map<String, Draft> literals = new LinkedHashMap<>();
        final Map<String, MixedDraft> mixed = new LinkedHashMap<>();
        final Map<HttpMethod, RouteMatch> operations = new LinkedHashMap<>();
        Draft variable;

        Draft child(Segment segment) {
            if (segment instanceof Literal literal) {
                return literals.computeIfAbsent(literal.text(), text -> new Draft());
            }
            if (segment instanceof Mixed pieces) {
                return mixed.computeIfAbsent(pieces.shape(), shape -> new MixedDraft(pieces, new Draft())).node();
            }
            if (variable == null) {
                variable = new Draft();
            }
            return variable;
        }

        Node build() {
            Map<String, Node> frozenLiterals = new LinkedHashMap<>();
            literals.forEach((text, draft) -> frozenLiterals.put(text, draft.build()));
            List<MixedChild> frozenMixed = new ArrayList<>();
            mixed.values().forEach(draft -> frozenMixed.add(new MixedChild(draft.segment(), draft.node().build())));
            return new Node(Map.copyOf(frozenLiterals), List.copyOf(frozenMixed),
                    variable == null ? null : variable.build(), Map.copyOf(operations));
        }
    }
}
