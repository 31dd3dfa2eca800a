package io.connectors.api.route;

/** Why a class's OpenAPI paths cannot be compiled; the message names the offending path. */
final class InvalidOpenApi extends Exception {

    InvalidOpenApi(String message) {
        super(message, null, false, false);
    }
}
