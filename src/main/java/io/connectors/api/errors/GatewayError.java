package io.connectors.api.errors;

/**
 * An error the gateway itself answers with a Kubernetes {@code Status}. Messages are written for
 * the caller, so they never carry a Secret value, a token or an exception's internals.
 */
public final class GatewayError extends RuntimeException {

    private final int code;
    private final String reason;
    private final int retryAfterSeconds;
    private final boolean closesConnection;

    public GatewayError(int code, String reason, String message) {
        this(code, reason, message, 0, false);
    }

    private GatewayError(int code, String reason, String message, int retryAfterSeconds, boolean closesConnection) {
        super(message, null, false, false);
        this.code = code;
        this.reason = reason;
        this.retryAfterSeconds = retryAfterSeconds;
        this.closesConnection = closesConnection;
    }

    /** The connection is closed after this answer: nothing that follows on it is read as a request. */
    public boolean closesConnection() {
        return closesConnection;
    }

    /** When the caller may try again (a {@code Retry-After} header), or 0 when not said. */
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public int code() {
        return code;
    }

    public String reason() {
        return reason;
    }

    public static GatewayError unauthorized(String message) {
        return new GatewayError(401, "Unauthorized", message);
    }

    /** The forward proxy's 401: its caller's credentials go in {@code Proxy-Authorization}. */
    public static GatewayError proxyAuthenticationRequired(String message) {
        return new GatewayError(407, "Unauthorized", message);
    }

    public static GatewayError forbidden(String message) {
        return new GatewayError(403, "Forbidden", message);
    }

    public static GatewayError notFound(String message) {
        return new GatewayError(404, "NotFound", message);
    }

    public static GatewayError badRequest(String message) {
        return new GatewayError(400, "BadRequest", message);
    }

    /** A message whose framing or header section is ambiguous (smuggling): 400, and the connection is closed. */
    public static GatewayError malformedMessage(String message) {
        return new GatewayError(400, "BadRequest", message, 0, true);
    }

    public static GatewayError methodNotAllowed(String message) {
        return new GatewayError(405, "MethodNotAllowed", message);
    }

    public static GatewayError payloadTooLarge(String message) {
        return new GatewayError(413, "RequestEntityTooLarge", message);
    }

    public static GatewayError tooManyRequests(String message, int retryAfterSeconds) {
        return new GatewayError(429, "TooManyRequests", message, retryAfterSeconds, false);
    }

    public static GatewayError internal(String message) {
        return new GatewayError(500, "InternalError", message);
    }

    public static GatewayError badGateway(String message) {
        return new GatewayError(502, "ServiceUnavailable", message);
    }

    public static GatewayError unavailable(String message) {
        return new GatewayError(503, "ServiceUnavailable", message);
    }

    public static GatewayError timeout(String message) {
        return new GatewayError(504, "Timeout", message);
    }
}
