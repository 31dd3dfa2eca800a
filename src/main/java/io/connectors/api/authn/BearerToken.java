package io.connectors.api.authn;

import io.connectors.api.errors.GatewayError;

/** Reads the caller's bearer token from an {@code Authorization} header (scheme case-insensitive). */
public final class BearerToken {

    private static final String SCHEME = "bearer";

    private BearerToken() {
    }

    public static String from(String authorization) {
        if (authorization == null) {
            throw GatewayError.unauthorized("Unauthorized: a bearer token is required");
        }
        String value = authorization.trim();
        int space = value.indexOf(' ');
        if (space <= 0 || !value.substring(0, space).equalsIgnoreCase(SCHEME)) {
            throw GatewayError.unauthorized("Unauthorized: only bearer tokens are accepted");
        }
        String token = value.substring(space + 1).trim();
        if (token.isEmpty()) {
            throw GatewayError.unauthorized("Unauthorized: the bearer token is empty");
        }
        return token;
    }
}
