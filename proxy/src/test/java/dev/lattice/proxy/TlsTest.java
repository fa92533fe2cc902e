package dev.lattice.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;
import org.postgresql.ssl.WrappedFactory;

/**
 * TLS after SSLRequest, with a self-signed certificate made at test time: pgjdbc (verify-full against the
 * certificate, and require with a factory that shows the negotiated session), psql's {@code \conninfo},
 * and without a certificate: {@code sslmode=require} refused, {@code prefer} in the clear.
 */
class TlsTest {

    @TempDir
    static Path dir;
    private static TestCertificates.Pem pem;
    private static RunningProxy tls;
    private static RunningProxy plain;

    @BeforeAll
    static void start() throws Exception {
        pem = TestCertificates.selfSigned(dir, "server");
        tls = RunningProxy.start("tls", Map.of("tls", Map.of("certificate", pem.certificate().toString(),
                "key", pem.key().toString())));
        plain = RunningProxy.start("tls-plain");
        RecordingSslFactory.context = trusting(pem.x509());
    }

    @AfterAll
    static void stop() {
        if (tls != null) {
            tls.close();
        }
        if (plain != null) {
            plain.close();
        }
    }

    @BeforeEach
    void forgetSockets() {
        RecordingSslFactory.SOCKETS.clear();
    }

    @Test
    void pgjdbcVerifiesTheCertificateAndRunsQueriesOverTls() throws Exception {
        long before = tls.server.stats().tlsConnections();
        Properties p = RunningProxy.props("sslmode", "verify-full", "sslrootcert", pem.certificate().toString());
        try (Connection c = tls.connect(p); Statement s = c.createStatement()) {
            assertEquals(before + 1, tls.server.stats().tlsConnections(), "the proxy counted one TLS handshake");
            s.execute("create table tls1 (id int primary key, payload varchar(1000))");
            try (PreparedStatement ps = c.prepareStatement("insert into tls1 values (?, ?)")) {
                for (int i = 1; i <= 2000; i++) {
                    ps.setInt(1, i);
                    ps.setString(2, "p".repeat(500) + i);
                    ps.addBatch();
                }
                assertEquals(2000, ps.executeBatch().length);
            }
            assertNotNull(c.unwrap(PGConnection.class).getParameterStatus("lattice_token"),
                    "the causal token arrives as a ParameterStatus over TLS");
            s.execute("SET CONSISTENCY READ_YOUR_WRITES");
            try (ResultSet rs = s.executeQuery("SHOW CONSISTENCY")) {
                assertTrue(rs.next());
                assertEquals("READ_YOUR_WRITES", rs.getString(1));
            }
            // About 1 MB back through TLS records, read with a fetch size (portal suspended and resumed).
            c.setAutoCommit(false);
            try (Statement f = c.createStatement()) {
                f.setFetchSize(128);
                long rows = 0;
                long chars = 0;
                try (ResultSet rs = f.executeQuery("select id, payload from tls1 order by id")) {
                    while (rs.next()) {
                        rows++;
                        chars += rs.getString(2).length();
                        assertTrue(rs.getString(2).endsWith(String.valueOf(rs.getInt(1))));
                    }
                }
                assertEquals(2000, rows);
                assertTrue(chars > 1_000_000, "read " + chars + " characters");
            }
            c.commit();
            SQLException e = assertThrows(SQLException.class, () -> s.executeQuery("select * from no_such_table"));
            assertEquals("42P01", e.getSQLState());
            c.rollback();
            try (ResultSet rs = s.executeQuery("select count(*) from tls1")) {
                assertTrue(rs.next());
                assertEquals(2000, rs.getInt(1));
            }
        }
    }

    @Test
    void pgjdbcSslModeRequireGetsATlsSessionWithTheProxysCertificate() throws Exception {
        Properties p = RunningProxy.props("sslmode", "require", "sslfactory", RecordingSslFactory.class.getName());
        try (Connection c = tls.connect(p); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select 40 + 2")) {
            assertTrue(rs.next());
            assertEquals(42, rs.getInt(1));
            assertEquals(1, RecordingSslFactory.SOCKETS.size(), "pgjdbc wrapped its socket in TLS once");
            SSLSocket socket = RecordingSslFactory.SOCKETS.get(0);
            SSLSession session = socket.getSession();
            assertTrue(session.isValid());
            assertTrue(List.of("TLSv1.3", "TLSv1.2").contains(session.getProtocol()), session.getProtocol());
            assertFalse(session.getCipherSuite().contains("NULL"), session.getCipherSuite());
            Certificate[] peer = session.getPeerCertificates();
            assertEquals(pem.x509(), peer[0], "the proxy presented the configured certificate");
        }
    }

    @Test
    void withTlsRequiredAClearTextStartupIsRefusedAndTlsIsServed() throws Exception {
        try (RunningProxy required = RunningProxy.start("tls-required", Map.of("tls", Map.of("certificate",
                pem.certificate().toString(), "key", pem.key().toString(), "required", true)))) {
            SQLException e = assertThrows(SQLException.class,
                    () -> required.connect(RunningProxy.props("sslmode", "disable")).close());
            assertEquals("28000", e.getSQLState(), e.getMessage());
            assertTrue(e.getMessage().contains("no encryption"), e.getMessage());
            try (RawClient raw = new RawClient(required.port())) {
                raw.sendStartup("lattice");
                List<RawClient.Message> got = raw.readToEnd();
                assertTrue(got.size() == 1 && got.get(0).text().contains("SFATAL") && got.get(0).text().contains("C28000"),
                        got.toString());
            }
            try (Connection c = required.connect(RunningProxy.props("sslmode", "require")); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("select 1")) {
                assertTrue(rs.next());
            }
        }
    }

    @Test
    void onlyTls12And13WithForwardSecretAeadSuitesAreOffered() throws Exception {
        for (String old : new String[] {"TLSv1.1", "TLSv1"}) {
            javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
            ctx.init(null, new javax.net.ssl.TrustManager[] {trustingManager()}, null);
            try (java.net.Socket plainSocket = new java.net.Socket("127.0.0.1", tls.port())) {
                plainSocket.getOutputStream().write(RawClient.sslRequest());
                assertEquals('S', plainSocket.getInputStream().read());
                SSLSocket socket = (SSLSocket) ctx.getSocketFactory().createSocket(plainSocket, "localhost", tls.port(), false);
                socket.setEnabledProtocols(new String[] {old});
                socket.setSoTimeout(10_000);
                assertThrows(java.io.IOException.class, socket::startHandshake, old + " must be refused");
            } catch (IllegalArgumentException notInThisJdk) {
                // the JDK itself no longer knows the protocol: nothing to check
            }
        }
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(null, new javax.net.ssl.TrustManager[] {trustingManager()}, null);
        try (java.net.Socket plainSocket = new java.net.Socket("127.0.0.1", tls.port())) {
            plainSocket.getOutputStream().write(RawClient.sslRequest());
            assertEquals('S', plainSocket.getInputStream().read());
            SSLSocket socket = (SSLSocket) ctx.getSocketFactory().createSocket(plainSocket, "localhost", tls.port(), false);
            socket.setEnabledProtocols(new String[] {"TLSv1.2"});
            socket.setEnabledCipherSuites(new String[] {"TLS_RSA_WITH_AES_128_CBC_SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256"});
            socket.setSoTimeout(10_000);
            assertThrows(java.io.IOException.class, socket::startHandshake, "RSA key exchange and CBC must be refused");
        }
    }

    private static javax.net.ssl.X509TrustManager trustingManager() {
        return new javax.net.ssl.X509TrustManager() {
            @Override
            public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {
            }

            @Override
            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
            }
        };
    }

    @Test
    void verifyFullAgainstAnotherRootCertificateIsRefusedAndTheProxyGoesOn() throws Exception {
        TestCertificates.Pem other = TestCertificates.selfSigned(dir, "other");
        long failures = tls.server.stats().tlsFailures();
        Properties p = RunningProxy.props("sslmode", "verify-full", "sslrootcert", other.certificate().toString());
        SQLException e = assertThrows(SQLException.class, () -> tls.connect(p).close());
        assertTrue(String.valueOf(e.getMessage()).contains("SSL"), e.getMessage());
        RunningProxy.await("the proxy to count the failed handshake", Duration.ofSeconds(10),
                () -> tls.server.stats().tlsFailures() > failures);
        try (Connection c = tls.connect(RunningProxy.props("sslmode", "verify-full", "sslrootcert",
                pem.certificate().toString())); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select 1")) {
            assertTrue(rs.next());
        }
    }

    @Test
    void withoutACertificateSslModeRequireFailsAndPreferFallsBackToPlain() throws Exception {
        SQLException e = assertThrows(SQLException.class,
                () -> plain.connect(RunningProxy.props("sslmode", "require")).close());
        assertTrue(e.getMessage().contains("does not support SSL"), e.getMessage());
        Properties prefer = RunningProxy.props("sslmode", "prefer", "sslfactory", RecordingSslFactory.class.getName());
        try (Connection c = plain.connect(prefer); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select 'clear'")) {
            assertTrue(rs.next());
            assertEquals("clear", rs.getString(1));
        }
        assertTrue(RecordingSslFactory.SOCKETS.isEmpty(), "no TLS socket was made");
        assertEquals(0, plain.server.stats().tlsConnections());
        // disable: no SSLRequest at all against the TLS proxy also works.
        try (Connection c = tls.connect(RunningProxy.props("sslmode", "disable")); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select 1")) {
            assertTrue(rs.next());
        }
    }

    @Test
    void psqlReportsTheTlsProtocolAndRequireFailsWithoutACertificate() throws Exception {
        assumeTrue(ClientProcess.installed("psql"), "psql is not installed (apt-get install postgresql-client)");
        String script = "\\conninfo\nselect 40 + 2 as answer;\n";
        ClientProcess.Outcome secure = ClientProcess.run(List.of("psql", "-X", "-v", "ON_ERROR_STOP=1",
                conninfo(tls, "verify-full") + " sslrootcert=" + pem.certificate()), script, "lattice");
        assertEquals(0, secure.exitCode(), secure.output());
        assertTrue(secure.output().matches("(?s).*SSL connection \\(protocol: TLSv1\\.[23].*"), secure.output());
        assertTrue(secure.output().contains("42"), secure.output());

        ClientProcess.Outcome refused = ClientProcess.run(List.of("psql", "-X", conninfo(plain, "require"),
                "-c", "select 1"), null, "lattice");
        assertTrue(refused.exitCode() != 0, refused.output());
        assertTrue(refused.output().contains("server does not support SSL"), refused.output());

        ClientProcess.Outcome clear = ClientProcess.run(List.of("psql", "-X", "-v", "ON_ERROR_STOP=1",
                conninfo(plain, "prefer")), script, "lattice");
        assertEquals(0, clear.exitCode(), clear.output());
        assertFalse(clear.output().contains("SSL connection"), clear.output());
        assertTrue(clear.output().contains("42"), clear.output());
    }

    @Test
    void unencryptedBytesBehindTheSslRequestAreRefused() throws Exception {
        try (RawClient c = new RawClient(tls.port())) {
            ByteArrayOutputStream both = new ByteArrayOutputStream();
            both.writeBytes(RawClient.sslRequest());
            both.writeBytes(RawClient.startup("lattice"));
            c.send(both.toByteArray());
            List<RawClient.Message> messages = c.readToEnd();
            RawClient.Message error = messages.stream().filter(m -> m.type() == 'E').findFirst().orElse(null);
            assertNotNull(error, "an ErrorResponse, not 'S': " + messages);
            assertTrue(error.text().contains("08P01") && error.text().contains("unencrypted data after SSL request"),
                    error.text());
        }
    }

    @Test
    void aSecondSslRequestIsRefused() throws Exception {
        try (RawClient c = new RawClient(plain.port())) {
            c.send(RawClient.sslRequest());
            assertEquals('N', c.readByte());
            c.send(RawClient.sslRequest());
            RawClient.Message error = c.readUntil('E');
            assertNotNull(error);
            assertTrue(error.text().contains("08P01") && error.text().contains("SSLRequest received twice"), error.text());
        }
    }

    @Test
    void aPlaintextStartupAfterSslWasAgreedClosesOnlyThatConnection() throws Exception {
        long failures = tls.server.stats().tlsFailures();
        try (RawClient c = new RawClient(tls.port())) {
            c.send(RawClient.sslRequest());
            assertEquals('S', c.readByte());
            c.send(RawClient.startup("lattice"));
            // Not a TLS record: the proxy drops the connection (no plaintext answer once TLS was agreed).
            int b;
            do {
                b = c.readByte();
            } while (b != -1);
        } catch (java.net.SocketException reset) {
            // also a close
        }
        RunningProxy.await("the failed handshake to be counted", Duration.ofSeconds(10),
                () -> tls.server.stats().tlsFailures() > failures);
        try (Connection c = tls.connect(RunningProxy.props("sslmode", "require")); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select 1")) {
            assertTrue(rs.next());
        }
    }

    @Test
    void anEcKeyInOpenSslsSec1FormatServesTls() throws Exception {
        TestCertificates.Pem ec = TestCertificates.selfSigned(dir, "ec", "EC");
        Path sec1 = dir.resolve("ec-sec1.key");
        java.nio.file.Files.writeString(sec1, TestCertificates.pem("EC PRIVATE KEY",
                TestCertificates.sec1((java.security.interfaces.ECPrivateKey) ec.privateKey())));
        try (RunningProxy p = RunningProxy.start("tls-ec", Map.of("tls", Map.of("certificate", ec.certificate().toString(),
                "key", sec1.toString())));
             Connection c = p.connect(RunningProxy.props("sslmode", "verify-full", "sslrootcert",
                     ec.certificate().toString()));
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select 1")) {
            assertTrue(rs.next());
            assertEquals(1, p.server.stats().tlsConnections());
        }
    }

    private static String conninfo(RunningProxy proxy, String sslmode) {
        return "host=127.0.0.1 port=" + proxy.port() + " user=lattice dbname=lattice sslmode=" + sslmode;
    }

    private static SSLContext trusting(Certificate certificate) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("proxy", certificate);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    /** A pgjdbc {@code sslfactory} that trusts the test's certificate and keeps the sockets it makes. */
    public static final class RecordingSslFactory extends WrappedFactory {

        static volatile SSLContext context;
        static final List<SSLSocket> SOCKETS = new CopyOnWriteArrayList<>();

        public RecordingSslFactory() {
            factory = context.getSocketFactory();
        }

        @Override
        public Socket createSocket(Socket socket, String host, int port, boolean autoClose) throws IOException {
            SSLSocket s = (SSLSocket) super.createSocket(socket, host, port, autoClose);
            SOCKETS.add(s);
            return s;
        }
    }
}
