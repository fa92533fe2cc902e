package dev.lattice.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Self-signed certificates made at test time with the JDK alone: the JDK's {@code keytool} writes a
 * PKCS#12 key store (no BouncyCastle, no openssl), and this class turns it into the PEM files the
 * proxy's {@code tls:} settings take.
 */
public final class TestCertificates {

    /** A certificate (PEM, also usable as a client's root certificate) and its PKCS#8 private key (PEM). */
    public record Pem(Path certificate, Path key, X509Certificate x509, PrivateKey privateKey) { }

    private static final String PASSWORD = "changeit";

    private TestCertificates() {
    }

    /** A certificate for CN=localhost with subject alternative names localhost and 127.0.0.1, valid for two days. */
    public static Pem selfSigned(Path dir, String name) throws IOException, InterruptedException, GeneralSecurityException {
        return selfSigned(dir, name, "RSA");
    }

    /** As {@link #selfSigned(Path, String)}, with an RSA (2048 bits) or EC (P-256) key. */
    public static Pem selfSigned(Path dir, String name, String keyAlgorithm)
            throws IOException, InterruptedException, GeneralSecurityException {
        boolean rsa = keyAlgorithm.equals("RSA");
        Path store = dir.resolve(name + ".p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> command = List.of(keytool.toString(), "-genkeypair", "-alias", name, "-keyalg", keyAlgorithm,
                "-keysize", rsa ? "2048" : "256", "-sigalg", rsa ? "SHA256withRSA" : "SHA256withECDSA", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("keytool did not finish");
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("keytool failed: " + new String(out, StandardCharsets.UTF_8));
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        X509Certificate cert = (X509Certificate) ks.getCertificate(name);
        PrivateKey key = (PrivateKey) ks.getKey(name, PASSWORD.toCharArray());
        if (!"PKCS#8".equals(key.getFormat())) {
            throw new AssertionError("expected a PKCS#8 key, got " + key.getFormat());
        }
        Path certPem = dir.resolve(name + ".crt");
        Path keyPem = dir.resolve(name + ".key");
        Files.writeString(certPem, pem("CERTIFICATE", cert.getEncoded()));
        Files.writeString(keyPem, pem("PRIVATE KEY", key.getEncoded()));
        return new Pem(certPem, keyPem, cert, key);
    }

    /** The PKCS#1 RSAPrivateKey inside a PKCS#8 RSA key: the form of OpenSSL's "BEGIN RSA PRIVATE KEY". */
    public static byte[] pkcs1(PrivateKey rsa) {
        byte[] der = rsa.getEncoded();
        int at = content(der, 0);          // PrivateKeyInfo SEQUENCE
        at = next(der, at);                // skip version INTEGER
        at = next(der, at);                // skip AlgorithmIdentifier SEQUENCE
        int start = content(der, at);      // the OCTET STRING's content is the PKCS#1 key
        return java.util.Arrays.copyOfRange(der, start, next(der, at));
    }

    /** A P-256 key as SEC1 with its named curve: the form of OpenSSL's "BEGIN EC PRIVATE KEY". */
    public static byte[] sec1(java.security.interfaces.ECPrivateKey ec) {
        byte[] s = ec.getS().toByteArray();
        byte[] d = new byte[32];
        int n = Math.min(32, s.length);
        System.arraycopy(s, s.length - n, d, 32 - n, n);
        byte[] prime256v1 = {0x06, 0x08, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x03, 0x01, 0x07};
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x02, 0x01, 0x01, 0x04, 0x20});
        body.writeBytes(d);
        body.write(0xa0);
        body.write(prime256v1.length);
        body.writeBytes(prime256v1);
        byte[] b = body.toByteArray();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(0x30);
        out.write(b.length);
        out.writeBytes(b);
        return out.toByteArray();
    }

    private static int content(byte[] der, int at) {
        int first = der[at + 1] & 0xff;
        return first < 0x80 ? at + 2 : at + 2 + (first & 0x7f);
    }

    private static int next(byte[] der, int at) {
        int first = der[at + 1] & 0xff;
        if (first < 0x80) {
            return at + 2 + first;
        }
        int len = 0;
        for (int i = 0; i < (first & 0x7f); i++) {
            len = (len << 8) | (der[at + 2 + i] & 0xff);
        }
        return at + 2 + (first & 0x7f) + len;
    }

    public static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }
}
