package dev.lattice.proxy.auth;

import dev.lattice.proxy.protocol.BackendMessages;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The server side of SCRAM-SHA-256 as PostgreSQL runs it (SASL inside AuthenticationSASL,
 * SASLContinue and SASLFinal). Channel binding is not offered. An unknown user goes through the
 * same exchange against a made-up verifier, so a client cannot tell users apart.
 */
public final class ScramAuthenticator implements Authenticator {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String MECHANISM = "SCRAM-SHA-256";

    private final String user;
    private final ScramVerifier verifier;
    private final boolean known;
    private String clientFirstBare;
    private String serverFirst;
    private String nonce;
    private String gs2Header;

    public ScramAuthenticator(String user, ScramVerifier verifier) {
        this.user = user;
        this.known = verifier != null;
        this.verifier = verifier != null ? verifier : fake();
    }

    private static ScramVerifier fake() {
        byte[] salt = new byte[16];
        byte[] key = new byte[32];
        RANDOM.nextBytes(salt);
        RANDOM.nextBytes(key);
        return new ScramVerifier(ScramVerifier.DEFAULT_ITERATIONS, salt, key, key);
    }

    @Override
    public void start(ByteBuf out) {
        BackendMessages.authentication(out, 10, (MECHANISM + "\0\0").getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public boolean step(byte[] payload, ByteBuf out) throws AuthenticationFailed {
        if (serverFirst == null) {
            clientFirst(payload, out);
            return false;
        }
        return clientFinal(new String(payload, StandardCharsets.UTF_8), out);
    }

    private void clientFirst(byte[] payload, ByteBuf out) throws AuthenticationFailed {
        ByteBuf in = Unpooled.wrappedBuffer(payload);
        int zero = in.indexOf(0, in.writerIndex(), (byte) 0);
        if (zero < 0 || in.writerIndex() < zero + 5) {
            throw malformed("SASLInitialResponse is malformed");
        }
        String mechanism = in.toString(0, zero, StandardCharsets.US_ASCII);
        if (!mechanism.equals(MECHANISM)) {
            throw malformed("SASL mechanism " + mechanism + " is not supported");
        }
        in.readerIndex(zero + 1);
        int length = in.readInt();
        if (length < 0 || length != in.readableBytes()) {
            throw malformed("SASLInitialResponse has a wrong length");
        }
        String first = in.toString(StandardCharsets.UTF_8);
        // gs2-header: "n,," or "y,," (no channel binding), then client-first-message-bare.
        if (!(first.startsWith("n,") || first.startsWith("y,"))) {
            throw malformed("channel binding is not supported");
        }
        int second = first.indexOf(',', 2);
        if (second < 0) {
            throw malformed("SCRAM client-first-message is malformed");
        }
        gs2Header = first.substring(0, second + 1);
        clientFirstBare = first.substring(second + 1);
        String clientNonce = attribute(clientFirstBare, 'r');
        if (clientNonce == null || clientNonce.isEmpty()) {
            throw malformed("SCRAM client-first-message has no nonce");
        }
        byte[] serverNonce = new byte[18];
        RANDOM.nextBytes(serverNonce);
        nonce = clientNonce + Base64.getEncoder().encodeToString(serverNonce);
        serverFirst = "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(verifier.salt()) + ",i="
                + verifier.iterations();
        BackendMessages.authentication(out, 11, serverFirst.getBytes(StandardCharsets.UTF_8));
    }

    private boolean clientFinal(String clientFinal, ByteBuf out) throws AuthenticationFailed {
        int proofAt = clientFinal.lastIndexOf(",p=");
        if (proofAt < 0) {
            throw malformed("SCRAM client-final-message has no proof");
        }
        String withoutProof = clientFinal.substring(0, proofAt);
        String channel = attribute(withoutProof, 'c');
        String finalNonce = attribute(withoutProof, 'r');
        byte[] proof;
        try {
            proof = Base64.getDecoder().decode(clientFinal.substring(proofAt + 3));
        } catch (IllegalArgumentException e) {
            throw malformed("SCRAM proof is not base64");
        }
        String expectedChannel = Base64.getEncoder().encodeToString(gs2Header.getBytes(StandardCharsets.UTF_8));
        if (!expectedChannel.equals(channel) || !nonce.equals(finalNonce)) {
            throw malformed("SCRAM client-final-message does not match the exchange");
        }
        byte[] authMessage = (clientFirstBare + "," + serverFirst + "," + withoutProof).getBytes(StandardCharsets.UTF_8);
        byte[] signature = ScramVerifier.hmac(verifier.storedKey(), authMessage);
        if (proof.length != signature.length) {
            throw failed();
        }
        byte[] clientKey = new byte[proof.length];
        for (int i = 0; i < proof.length; i++) {
            clientKey[i] = (byte) (proof[i] ^ signature[i]);
        }
        if (!known || !MessageDigest.isEqual(ScramVerifier.sha256(clientKey), verifier.storedKey())) {
            throw failed();
        }
        byte[] serverSignature = ScramVerifier.hmac(verifier.serverKey(), authMessage);
        String serverFinal = "v=" + Base64.getEncoder().encodeToString(serverSignature);
        BackendMessages.authentication(out, 12, serverFinal.getBytes(StandardCharsets.UTF_8));
        return true;
    }

    private static String attribute(String message, char name) {
        for (String part : message.split(",")) {
            if (part.length() >= 2 && part.charAt(0) == name && part.charAt(1) == '=') {
                return part.substring(2);
            }
        }
        return null;
    }

    private AuthenticationFailed failed() {
        return new AuthenticationFailed("28P01", "password authentication failed for user \"" + user + "\"");
    }

    private static AuthenticationFailed malformed(String message) {
        return new AuthenticationFailed("08P01", message);
    }
}
