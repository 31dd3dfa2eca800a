package io.connectors.sdk;

/**
 * A failed custom API call, answered as a Kubernetes {@code Status} (seed 001: every non-200
 * answer is one). Throw it from a handler; catch it once where the response is written.
 */
public class StatusException extends RuntimeException {

    private final transient ApiStatus status;

    public StatusException(int code, String reason, String message) {
        super(message);
        this.status = ApiStatus.failure(code, reason, message);
    }

    public ApiStatus status() {
        return status;
    }

    public int code() {
        return status.code();
    }

    public static StatusException badRequest(String message) {
        return new StatusException(400, "BadRequest", message);
    }

    public static StatusException unauthorized(String message) {
        return new StatusException(401, "Unauthorized", message);
    }

    public static StatusException forbidden(String message) {
        return new StatusException(403, "Forbidden", message);
    }

    public static StatusException notFound(String message) {
        return new StatusException(404, "NotFound", message);
    }

    public static StatusException internalError(String message) {
        return new StatusException(500, "InternalError", message);
    }

    /** The tool behind the custom API failed or could not be reached (the gateway's own wording for 502). */
    public static StatusException badGateway(String message) {
        return new StatusException(502, "ServiceUnavailable", message);
    }

    public static StatusException timeout(String message) {
        return new StatusException(504, "Timeout", message);
    }
}
