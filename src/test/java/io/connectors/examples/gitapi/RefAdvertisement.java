package io.connectors.examples.gitapi;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the ref advertisement of git's smart HTTP protocol (v0/v1), the answer to
 * {@code GET {repo}/info/refs?service=git-upload-pack}: pkt-lines of {@code <oid> <ref>}, the
 * first with capabilities after a NUL, annotated tags followed by their peeled {@code <ref>^{}}.
 * See gitprotocol-http(5) and gitprotocol-pack(5).
 */
final class RefAdvertisement {

    private static final String PEELED = "^{}";

    private RefAdvertisement() {
    }

    /** The branches and tags, in the server's order (sorted by ref name). */
    static List<GitRef> parse(byte[] body) {
        List<GitRef> refs = new ArrayList<>();
        int at = 0;
        boolean serviceHeader = true;
        while (at < body.length) {
            int length = lengthAt(body, at);
            if (length == 0) {
                // A flush-pkt: after the "# service=" header, or at the end.
                at += 4;
                continue;
            }
            String line = new String(body, at + 4, length - 4, StandardCharsets.UTF_8);
            at += length;
            if (serviceHeader && line.startsWith("# service=")) {
                serviceHeader = false;
                continue;
            }
            serviceHeader = false;
            int nul = line.indexOf('\0');
            String entry = (nul >= 0 ? line.substring(0, nul) : line).stripTrailing();
            int space = entry.indexOf(' ');
            if (space < 0) {
                throw new IllegalArgumentException("not a ref line");
            }
            String objectId = entry.substring(0, space);
            String ref = entry.substring(space + 1);
            if (ref.endsWith(PEELED)) {
                peel(refs, ref.substring(0, ref.length() - PEELED.length()), objectId);
                continue;
            }
            GitRef gitRef = GitRef.of(ref, objectId);
            if (gitRef != null) {
                refs.add(gitRef);
            }
        }
        return refs;
    }

    private static void peel(List<GitRef> refs, String tag, String commit) {
        if (!refs.isEmpty() && refs.get(refs.size() - 1).ref().equals(tag)) {
            refs.set(refs.size() - 1, refs.get(refs.size() - 1).peeledTo(commit));
        }
    }

    private static int lengthAt(byte[] body, int at) {
        if (at + 4 > body.length) {
            throw new IllegalArgumentException("truncated pkt-line");
        }
        int length;
        try {
            length = Integer.parseInt(new String(body, at, 4, StandardCharsets.US_ASCII), 16);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a pkt-line");
        }
        if (length != 0 && (length < 4 || at + length > body.length)) {
            throw new IllegalArgumentException("bad pkt-line length " + length);
        }
        return length;
    }
}
