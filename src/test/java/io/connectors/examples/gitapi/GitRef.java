package io.connectors.examples.gitapi;

/**
 * One branch or tag of a repository, as listed by {@code /gitrefs}.
 *
 * @param name the short name ({@code main}, {@code v1.0})
 * @param ref the full ref ({@code refs/heads/main})
 * @param type {@code branch} or {@code tag}
 * @param commit the commit it points at (an annotated tag's peeled commit)
 */
public record GitRef(String name, String ref, String type, String commit) {

    static final String BRANCHES = "refs/heads/";
    static final String TAGS = "refs/tags/";

    /** A branch or tag ref, or null for any other (HEAD, pull requests, notes...). */
    static GitRef of(String ref, String objectId) {
        if (ref.startsWith(BRANCHES)) {
            return new GitRef(ref.substring(BRANCHES.length()), ref, "branch", objectId);
        }
        if (ref.startsWith(TAGS)) {
            return new GitRef(ref.substring(TAGS.length()), ref, "tag", objectId);
        }
        return null;
    }

    GitRef peeledTo(String commit) {
        return new GitRef(name, ref, type, commit);
    }
}
