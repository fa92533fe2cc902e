package dev.lattice.proxy.server;

import dev.lattice.proxy.config.ConfigException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the PEM files of the {@code tls:} settings into a server {@link SslContext}, with the JDK's
 * TLS alone (no BouncyCastle, no OpenSSL): certificates, then the first private key, which may be
 * PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY}) or SEC1 EC
 * ({@code BEGIN EC PRIVATE KEY}) as OpenSSL writes them. Encrypted keys are refused with a message
 * saying how to decrypt them. The key must belong to the first (the server's) certificate.
 */
final class TlsFiles {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\r?\\n(.*?)-----END \\1-----", Pattern.DOTALL);
    /** rsaEncryption, 1.2.840.113549.1.1.1, with its NULL parameters: the AlgorithmIdentifier of PKCS#8 RSA keys. */
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
        (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
    /** id-ecPublicKey, 1.2.840.10045.2.1. */
    private static final byte[] EC_PUBLIC_KEY_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};
    private static final String[] KEY_ALGORITHMS = {"RSA", "EC", "EdDSA", "RSASSA-PSS", "DSA"};

    /** TLS 1.3 and 1.2 only: older versions have no AEAD suites and known downgrade attacks. */
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    /**
     * TLS 1.3's suites, then TLS 1.2's with forward secrecy (ECDHE) and authenticated encryption
     * (GCM, ChaCha20-Poly1305) only: no CBC, no RSA key exchange, no SHA-1 MACs. Suites the JDK
     * lacks are left out, not refused.
     */
    static final List<String> CIPHERS = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private record Block(String label, String body) { }

    private TlsFiles() {
    }

    static SslContext serverContext(Path certificateFile, Path keyFile) throws ConfigException {
        List<X509Certificate> chain = certificates(certificateFile);
        PrivateKey key = privateKey(keyFile);
        if (!belongTogether(key, chain.get(0).getPublicKey())) {
            throw new ConfigException("tls.key: the key in " + keyFile + " does not belong to the certificate in "
                    + certificateFile + " (" + chain.get(0).getSubjectX500Principal() + ")");
        }
        try {
            return SslContextBuilder.forServer(key, chain.toArray(X509Certificate[]::new))
                    .protocols(PROTOCOLS)
                    .ciphers(CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                    .build();
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("tls: cannot use certificate " + certificateFile + " and key " + keyFile + ": "
                    + e.getMessage(), e);
        }
    }

    static List<X509Certificate> certificates(Path file) throws ConfigException {
        List<X509Certificate> chain = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Block b : blocks(file, "tls.certificate")) {
                if (b.label().equals("CERTIFICATE") || b.label().equals("X509 CERTIFICATE")
                        || b.label().equals("TRUSTED CERTIFICATE")) {
                    chain.add((X509Certificate) factory.generateCertificate(
                            new ByteArrayInputStream(decode(b, file, "tls.certificate"))));
                }
            }
        } catch (GeneralSecurityException e) {
            throw new ConfigException("tls.certificate: " + file + " holds no readable X.509 certificate: "
                    + e.getMessage(), e);
        }
        if (chain.isEmpty()) {
            throw new ConfigException("tls.certificate: " + file
                    + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        return chain;
    }

    static PrivateKey privateKey(Path file) throws ConfigException {
        for (Block b : blocks(file, "tls.key")) {
            if (b.label().equals("ENCRYPTED PRIVATE KEY") || b.body().contains("Proc-Type:")) {
                throw new ConfigException("tls.key: the key in " + file + " is encrypted; give the proxy an unencrypted"
                        + " key (openssl pkey -in " + file + " -out server.key) and protect the file instead");
            }
            byte[] der;
            switch (b.label()) {
                case "PRIVATE KEY" -> der = decode(b, file, "tls.key");
                case "RSA PRIVATE KEY" -> der = pkcs8(RSA_ALGORITHM, decode(b, file, "tls.key"));
                case "EC PRIVATE KEY" -> der = ecPkcs8(decode(b, file, "tls.key"), file);
                default -> {
                    continue;
                }
            }
            for (String algorithm : KEY_ALGORITHMS) {
                try {
                    return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
                } catch (GeneralSecurityException | RuntimeException tryTheNext) {
                    // not a key of this algorithm
                }
            }
            throw new ConfigException("tls.key: cannot read the " + b.label() + " in " + file
                    + " (RSA, EC, EdDSA and DSA keys are supported)");
        }
        throw new ConfigException("tls.key: " + file + " holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
    }

    private static List<Block> blocks(Path file, String setting) throws ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new ConfigException(setting + ": cannot read " + file + ": " + e.getMessage(), e);
        }
        List<Block> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            blocks.add(new Block(m.group(1), m.group(2)));
        }
        return blocks;
    }

    private static byte[] decode(Block b, Path file, String setting) throws ConfigException {
        try {
            return Base64.getMimeDecoder().decode(b.body().trim());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(setting + ": the " + b.label() + " in " + file + " is not valid base64");
        }
    }

    /** A SEC1 ECPrivateKey (RFC 5915) as PKCS#8, naming the curve that SEC1 keeps in its [0] parameters. */
    private static byte[] ecPkcs8(byte[] sec1, Path file) throws ConfigException {
        byte[] curve = null;
        try {
            int[] seq = header(sec1, 0);
            int at = seq[0];
            int end = at + seq[1];
            while (at < end) {
                int[] h = header(sec1, at);
                if ((sec1[at] & 0xff) == 0xa0) {
                    int[] oid = header(sec1, h[0]);
                    curve = java.util.Arrays.copyOfRange(sec1, h[0], oid[0] + oid[1]);
                    break;
                }
                at = h[0] + h[1];
            }
        } catch (ArrayIndexOutOfBoundsException e) {
            curve = null;
        }
        if (curve == null || curve[0] != 0x06) {
            throw new ConfigException("tls.key: the EC key in " + file
                    + " does not name its curve; write it as PKCS#8 (openssl pkey -in key.pem -out server.key)");
        }
        ByteArrayOutputStream algorithm = new ByteArrayOutputStream();
        algorithm.writeBytes(EC_PUBLIC_KEY_OID);
        algorithm.writeBytes(curve);
        return pkcs8(tlv(0x30, algorithm.toByteArray()), sec1);
    }

    /** PrivateKeyInfo: version 0, the algorithm, the key as an OCTET STRING. */
    private static byte[] pkcs8(byte[] algorithm, byte[] key) {
        ByteArrayOutputStream info = new ByteArrayOutputStream();
        info.writeBytes(new byte[] {0x02, 0x01, 0x00});
        info.writeBytes(algorithm);
        info.writeBytes(tlv(0x04, key));
        return tlv(0x30, info.toByteArray());
    }

    private static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int n = content.length;
        if (n < 0x80) {
            out.write(n);
        } else {
            int bytes = n > 0xffffff ? 4 : n > 0xffff ? 3 : n > 0xff ? 2 : 1;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(n >>> (8 * i));
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    /** The DER element at {@code at}: {start of its content, length of its content}. */
    private static int[] header(byte[] der, int at) {
        int first = der[at + 1] & 0xff;
        if (first < 0x80) {
            return new int[] {at + 2, first};
        }
        int bytes = first & 0x7f;
        int n = 0;
        for (int i = 0; i < bytes; i++) {
            n = (n << 8) | (der[at + 2 + i] & 0xff);
        }
        return new int[] {at + 2 + bytes, n};
    }

    /** Whether the key signs what the certificate's public key verifies (true when the pair cannot be checked). */
    private static boolean belongTogether(PrivateKey key, PublicKey certificateKey) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
            case "DSA" -> "SHA256withDSA";
            default -> null;
        };
        if (algorithm == null) {
            return true;
        }
        try {
            byte[] probe = "lattice".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificateKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }
}
