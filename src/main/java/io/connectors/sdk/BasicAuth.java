package io.connectors.sdk;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Username and password of a {@code kubernetes.io/basic-auth} Secret. */
public record BasicAuth(String username, String password) {

    /** The value of an {@code Authorization} header that presents these credentials. */
    public String authorizationHeader() {
        return "Basic " + Base64.getEncoder().encodeToString(
                (username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "BasicAuth[username=" + username + ", password=(redacted)]";
    }
}
