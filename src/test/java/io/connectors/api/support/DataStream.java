package io.connectors.api.support;

import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

/** A deterministic stream of {@code length} pseudo-random bytes (xorshift), same on both ends of a test. */
public final class DataStream extends InputStream {

    private final long length;
    private long position;
    private long state = 0x9E3779B97F4A7C15L;

    public DataStream(long length) {
        this.length = length;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int count) {
        if (position >= length) {
            return -1;
        }
        int n = (int) Math.min(count, length - position);
        for (int i = 0; i < n; i++) {
            if ((position + i) % 8 == 0) {
                state ^= state << 13;
                state ^= state >>> 7;
                state ^= state << 17;
            }
            buffer[offset + i] = (byte) (state >>> (8 * ((position + i) % 8)));
        }
        position += n;
        return n;
    }

    /** SHA-256 (hex) of the first {@code length} bytes. */
    public static String sha256(long length) {
        MessageDigest digest = FakeTool.sha256();
        DataStream data = new DataStream(length);
        byte[] chunk = new byte[64 * 1024];
        for (int n; (n = data.read(chunk, 0, chunk.length)) > 0;) {
            digest.update(chunk, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
