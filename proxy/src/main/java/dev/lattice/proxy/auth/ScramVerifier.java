package dev.lattice.proxy.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * What the proxy stores to check a SCRAM-SHA-256 password without keeping it, in PostgreSQL's
 * format: {@code SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>} (RFC 5802, 7677).
 */
public record ScramVerifier(int iterations, byte[] salt, byte[] storedKey, byte[] serverKey) {

    public static final int DEFAULT_ITERATIONS = 4096;

    /** Derives a verifier from a password with a fresh random salt. */
    public static ScramVerifier fromPassword(String password) {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        return fromPassword(password, salt, DEFAULT_ITERATIONS);
    }

    public static ScramVerifier fromPassword(String password, byte[] salt, int iterations) {
        byte[] salted = saltedPassword(password, salt, iterations);
        byte[] clientKey = hmac(salted, "Client Key");
        return new ScramVerifier(iterations, salt, sha256(clientKey), hmac(salted, "Server Key"));
    }

    /** Parses PostgreSQL's text form; throws IllegalArgumentException saying what is wrong. */
    public static ScramVerifier parse(String text) {
        try {
            if (!text.startsWith("SCRAM-SHA-256$")) {
                throw new IllegalArgumentException("does not start with SCRAM-SHA-256$");
            }
            String[] parts = text.substring("SCRAM-SHA-256$".length()).split("\\$");
            String[] iterSalt = parts[0].split(":");
            String[] keys = parts[1].split(":");
            Base64.Decoder d = Base64.getDecoder();
            return new ScramVerifier(Integer.parseInt(iterSalt[0]), d.decode(iterSalt[1]), d.decode(keys[0]),
                    d.decode(keys[1]));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a SCRAM-SHA-256 verifier (SCRAM-SHA-256$<iterations>:<salt>"
                    + "$<StoredKey>:<ServerKey>): " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        Base64.Encoder e = Base64.getEncoder();
        return "SCRAM-SHA-256$" + iterations + ":" + e.encodeToString(salt) + "$" + e.encodeToString(storedKey) + ":"
                + e.encodeToString(serverKey);
    }

    static byte[] saltedPassword(String password, byte[] salt, int iterations) {
        try {
            // SASLprep is the identity for the ASCII passwords this proxy is configured with.
            PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, 256);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] hmac(byte[] key, String text) {
        return hmac(key, text.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
