package dev.lattice.proxy.auth;

import dev.lattice.proxy.protocol.BackendMessages;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/** PostgreSQL's md5 password exchange: md5(md5(password + user) + salt), with a random salt per connection. */
public final class Md5Authenticator implements Authenticator {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String user;
    private final String storedHash;
    private final byte[] salt = new byte[4];

    /** @param storedHash "md5" + md5(password + user), or null for an unknown user */
    public Md5Authenticator(String user, String storedHash) {
        this.user = user;
        this.storedHash = storedHash;
        RANDOM.nextBytes(salt);
    }

    public static String hash(String user, String password) {
        return "md5" + md5Hex((password + user).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void start(ByteBuf out) {
        BackendMessages.authentication(out, 5, salt);
    }

    @Override
    public boolean step(byte[] payload, ByteBuf out) throws AuthenticationFailed {
        int end = payload.length;
        while (end > 0 && payload[end - 1] == 0) {
            end--;
        }
        String answer = new String(payload, 0, end, StandardCharsets.UTF_8);
        if (storedHash == null) {
            throw failed();
        }
        byte[] inner = storedHash.substring(3).getBytes(StandardCharsets.US_ASCII);
        byte[] salted = new byte[inner.length + 4];
        System.arraycopy(inner, 0, salted, 0, inner.length);
        System.arraycopy(salt, 0, salted, inner.length, 4);
        String expected = "md5" + md5Hex(salted);
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                answer.getBytes(StandardCharsets.UTF_8))) {
            throw failed();
        }
        return true;
    }

    private AuthenticationFailed failed() {
        return new AuthenticationFailed("28P01", "password authentication failed for user \"" + user + "\"");
    }

    private static String md5Hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
