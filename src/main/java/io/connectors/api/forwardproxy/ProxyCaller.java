package io.connectors.api.forwardproxy;

import io.connectors.api.authn.CallerCredentials;
import io.connectors.api.errors.GatewayError;
import io.connectors.api.request.GatewayRoute.ConnectorRef;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Who calls the forward proxy and for which Connectors, from {@code Proxy-Authorization: Basic
 * base64("<ns>/<name>[,<ns>/<name>…]:<Kubernetes token>")} read by the one credentials parser
 * ({@link CallerCredentials}). Clients take the user name from a proxy URL such as
 * {@code http://team-a%2Fgit:TOKEN@gateway:8081} and percent-decode it before encoding (curl, git,
 * Go, Python); a literal {@code %2F} is decoded here as well, since no namespace or name holds a '%'.
 * Anything missing or unusable is a {@code 407}, so that the client may ask its user again.
 */
public record ProxyCaller(List<ConnectorRef> connectors, String token) {

    /** More Connectors than this in one header is not a client's configuration but a probe. */
    static final int MAX_CONNECTORS = 16;
    /** The user name is never shown back: a client may have put a token there by mistake. */
    private static final String NOT_A_REF = "one of them is not a namespace and a name";
    /** RFC 1123 label (a namespace) and subdomain (a Connector's name), as the API server checks them. */
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern SUBDOMAIN = Pattern.compile("(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    @Override
    public String toString() {
        return "ProxyCaller[" + connectors + ", token=***]";
    }

    /** The caller of a {@code Proxy-Authorization} header's value (null when absent). */
    public static ProxyCaller of(String proxyAuthorization) {
        CallerCredentials credentials;
        try {
            credentials = CallerCredentials.parse(proxyAuthorization).orElseThrow(() -> GatewayError.proxyAuthenticationRequired(
                    "Proxy Authentication Required: send Proxy-Authorization: Basic with <namespace>/<connector>"
                            + " as the user name and a Kubernetes token as the password"));
        } catch (CallerCredentials.Invalid invalid) {
            throw GatewayError.proxyAuthenticationRequired("Proxy Authentication Required: " + invalid.getMessage());
        }
        if (!(credentials instanceof CallerCredentials.Basic basic)) {
            throw GatewayError.proxyAuthenticationRequired("Proxy Authentication Required: the forward proxy takes Basic"
                    + " credentials, with <namespace>/<connector> as the user name");
        }
        return new ProxyCaller(connectors(basic.user()), basic.token());
    }

    /** {@code <ns>/<name>[,<ns>/<name>…]}, in the order given (the first Connector whose address matches is used). */
    static List<ConnectorRef> connectors(String user) {
        String decoded = percentDecoded(user);
        List<ConnectorRef> connectors = new ArrayList<>();
        for (String one : decoded.split(",", -1)) {
            String ref = one.trim();
            int slash = ref.indexOf('/');
            if (slash < 0 || ref.indexOf('/', slash + 1) >= 0) {
                throw unusable(NOT_A_REF);
            }
            String namespace = ref.substring(0, slash);
            String name = ref.substring(slash + 1);
            if (!LABEL.matcher(namespace).matches() || !SUBDOMAIN.matcher(name).matches()) {
                throw unusable(NOT_A_REF);
            }
            ConnectorRef connector = new ConnectorRef(namespace, name);
            if (!connectors.contains(connector)) {
                connectors.add(connector);
            }
            if (connectors.size() > MAX_CONNECTORS) {
                throw unusable("more than " + MAX_CONNECTORS + " Connectors named");
            }
        }
        return List.copyOf(connectors);
    }

    /** %XX sequences as UTF-8; a malformed one is refused (never guessed at). */
    static String percentDecoded(String user) {
        if (user.indexOf('%') < 0) {
            return user;
        }
        byte[] out = new byte[user.length()];
        int length = 0;
        for (int i = 0; i < user.length(); i++) {
            char c = user.charAt(i);
            if (c == '%') {
                int high = i + 2 < user.length() ? Character.digit(user.charAt(i + 1), 16) : -1;
                int low = high < 0 ? -1 : Character.digit(user.charAt(i + 2), 16);
                if (low < 0) {
                    throw unusable("malformed percent-encoding in the user name");
                }
                out[length++] = (byte) (high * 16 + low);
                i += 2;
            } else if (c < 0x80) {
                out[length++] = (byte) c;
            } else {
                // Not a namespace or a name either way; the pattern check refuses it.
                return user;
            }
        }
        return new String(out, 0, length, StandardCharsets.UTF_8);
    }

    private static GatewayError unusable(String why) {
        return GatewayError.proxyAuthenticationRequired("Proxy Authentication Required: the user name names the Connectors"
                + " as <namespace>/<connector>[,<namespace>/<connector>...]: " + why);
    }
}
