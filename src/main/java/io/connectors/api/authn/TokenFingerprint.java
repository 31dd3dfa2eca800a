package io.connectors.api.authn;

import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A keyed hash of a token, used as its cache key so that no raw token sits in memory as a key
 * and a heap dump does not give tokens away. The key is random per process.
 */
@Singleton
public class TokenFingerprint {

    private static final String ALGORITHM = "HmacSHA256";
    /** One Mac per thread (a Mac is not thread-safe), so a request does no provider look-up. */
    private final ThreadLocal<Mac> macs;

    public TokenFingerprint() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        SecretKeySpec key = new SecretKeySpec(bytes, ALGORITHM);
        macs = ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance(ALGORITHM);
                mac.init(key);
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 unavailable", e);
            }
        });
    }

    public String of(String token) {
        // doFinal resets the Mac for the next token.
        return HexFormat.of().formatHex(macs.get().doFinal(token.getBytes(StandardCharsets.UTF_8)));
    }
}
