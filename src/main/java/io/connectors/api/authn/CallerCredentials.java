package io.connectors.api.authn;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Optional;

/**
 * The caller's credentials as one {@code Authorization} or {@code Proxy-Authorization} header carries
 * them: {@code Bearer <token>}, or {@code Basic base64(<user>:<password>)} (scheme case-insensitive).
 * The one parser of the gateway: the API routes, the registry routes and the forward proxy all read
 * their callers through it. Basic exists for clients that cannot send a Bearer header (git, pip,
 * Maven, Go, Helm): the password is the Kubernetes token and the user name is the client's to choose.
 * Messages never carry the header's value.
 */
public sealed interface CallerCredentials {

    /** The Kubernetes token these credentials present: the bearer token, or the Basic password. */
    String token();

    record Bearer(String token) implements CallerCredentials {

        @Override
        public String toString() {
            return "Bearer[***]";
        }
    }

    /** {@code user} is whatever the client put before the first colon (the forward proxy reads Connectors from it). */
    record Basic(String user, String password) implements CallerCredentials {

        @Override
        public String token() {
            return password;
        }

        @Override
        public String toString() {
            return "Basic[" + user + ":***]";
        }
    }

    /** Credentials that are there but cannot be used; the message is safe to show the caller. */
    final class Invalid extends RuntimeException {

        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The credentials of a header's value; empty when the header is absent or blank.
     *
     * @throws Invalid for another scheme, an empty token or password, or Basic that is not base64 of UTF-8
     */
    static Optional<CallerCredentials> parse(String header) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String value = header.trim();
        int space = value.indexOf(' ');
        String scheme = space < 0 ? value : value.substring(0, space);
        String rest = space < 0 ? "" : value.substring(space + 1).trim();
        if (scheme.equalsIgnoreCase("bearer")) {
            if (rest.isEmpty()) {
                throw new Invalid("the bearer token is empty");
            }
            return Optional.of(new Bearer(rest));
        }
        if (scheme.equalsIgnoreCase("basic")) {
            return Optional.of(basic(rest));
        }
        throw new Invalid("only Bearer, or Basic with a Kubernetes token as the password, is accepted");
    }

    private static Basic basic(String encoded) {
        String pair;
        try {
            byte[] bytes = Base64.getDecoder().decode(encoded);
            pair = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (IllegalArgumentException | CharacterCodingException e) {
            throw new Invalid("malformed Basic credentials");
        }
        int colon = pair.indexOf(':');
        if (colon < 0) {
            throw new Invalid("malformed Basic credentials: no ':' between user name and password");
        }
        String password = pair.substring(colon + 1);
        if (password.isEmpty()) {
            throw new Invalid("the password (a Kubernetes token) is empty");
        }
        return new Basic(pair.substring(0, colon), password);
    }
}
