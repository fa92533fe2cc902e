package dev.lattice.proxy.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.proxy.TestCertificates;
import dev.lattice.proxy.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPrivateKey;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PEM files of the {@code tls:} settings: the key formats OpenSSL writes, and clear refusals. */
class TlsFilesTest {

    @TempDir
    static Path dir;
    private static TestCertificates.Pem rsa;
    private static TestCertificates.Pem ec;

    @BeforeAll
    static void certificates() throws Exception {
        rsa = TestCertificates.selfSigned(dir, "rsa");
        ec = TestCertificates.selfSigned(dir, "ec", "EC");
    }

    private static Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    private static String refusal(Path certificate, Path key) {
        return assertThrows(ConfigException.class, () -> TlsFiles.serverContext(certificate, key)).getMessage();
    }

    @Test
    void pkcs8KeysOfBothAlgorithmsAreRead() throws Exception {
        assertArrayEquals(rsa.privateKey().getEncoded(), TlsFiles.privateKey(rsa.key()).getEncoded());
        assertArrayEquals(ec.privateKey().getEncoded(), TlsFiles.privateKey(ec.key()).getEncoded());
        assertNotNull(TlsFiles.serverContext(rsa.certificate(), rsa.key()));
        assertNotNull(TlsFiles.serverContext(ec.certificate(), ec.key()));
    }

    @Test
    void anRsaKeyInPkcs1FormIsRead() throws Exception {
        Path key = write("rsa-pkcs1.key", TestCertificates.pem("RSA PRIVATE KEY", TestCertificates.pkcs1(rsa.privateKey())));
        assertArrayEquals(rsa.privateKey().getEncoded(), TlsFiles.privateKey(key).getEncoded());
        assertNotNull(TlsFiles.serverContext(rsa.certificate(), key));
    }

    @Test
    void anEcKeyInSec1FormIsReadEvenAfterEcParameters() throws Exception {
        // `openssl ecparam -genkey` writes an EC PARAMETERS block before the key.
        Path key = write("ec-sec1.key", TestCertificates.pem("EC PARAMETERS", new byte[] {0x06, 0x08, 0x2a,
                (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x03, 0x01, 0x07})
                + TestCertificates.pem("EC PRIVATE KEY", TestCertificates.sec1((ECPrivateKey) ec.privateKey())));
        assertEquals(((ECPrivateKey) ec.privateKey()).getS(), ((ECPrivateKey) TlsFiles.privateKey(key)).getS());
        assertNotNull(TlsFiles.serverContext(ec.certificate(), key));
    }

    @Test
    void certificatesAreReadPastTextAndAsAChain() throws Exception {
        // `openssl req -x509 -text` puts a text dump before the PEM block; a chain file holds several.
        Path chain = write("chain.crt", "Certificate:\n    Data:\n        Version: 3 (0x2)\n"
                + Files.readString(rsa.certificate()) + Files.readString(ec.certificate()));
        assertEquals(List.of(rsa.x509(), ec.x509()), TlsFiles.certificates(chain));
        assertNotNull(TlsFiles.serverContext(chain, rsa.key()));
    }

    @Test
    void aKeyOfAnotherCertificateIsRefused() {
        String m = refusal(rsa.certificate(), ec.key());
        assertTrue(m.startsWith("tls.key:") && m.contains("does not belong to the certificate"), m);
    }

    @Test
    void encryptedKeysAreRefusedWithHowToDecryptThem() throws Exception {
        Path pkcs8 = write("enc8.key", TestCertificates.pem("ENCRYPTED PRIVATE KEY", new byte[] {0x30, 0x00}));
        String m = refusal(rsa.certificate(), pkcs8);
        assertTrue(m.startsWith("tls.key:") && m.contains("encrypted") && m.contains("openssl pkey"), m);
        Path legacy = write("enc1.key", "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
                + "DEK-Info: AES-128-CBC,00000000000000000000000000000000\n\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        assertTrue(refusal(rsa.certificate(), legacy).contains("encrypted"));
    }

    @Test
    void filesWithoutTheExpectedBlocksAreRefusedNamingTheSetting() throws Exception {
        String noKey = refusal(rsa.certificate(), rsa.certificate());
        assertTrue(noKey.startsWith("tls.key:") && noKey.contains("no PEM private key"), noKey);
        String noCertificate = refusal(rsa.key(), rsa.key());
        assertTrue(noCertificate.startsWith("tls.certificate:") && noCertificate.contains("no PEM certificate"),
                noCertificate);
        Path garbage = write("garbage.crt", TestCertificates.pem("CERTIFICATE", new byte[] {1, 2, 3}));
        assertTrue(refusal(garbage, rsa.key()).startsWith("tls.certificate:"));
        Path badKey = write("bad.key", TestCertificates.pem("PRIVATE KEY", new byte[] {0x30, 0x03, 0x02, 0x01, 0x00}));
        assertTrue(refusal(rsa.certificate(), badKey).startsWith("tls.key:"));
    }
}
