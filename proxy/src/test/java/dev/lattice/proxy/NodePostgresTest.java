package dev.lattice.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * node-postgres (the {@code pg} npm package, pinned in src/test/node/package.json) through the proxy:
 * src/test/node/script.js runs the steps and prints one "ok" line each. Skipped, saying so, where
 * Node.js is not installed; the package is installed with {@code npm ci} when it is missing.
 */
class NodePostgresTest {

    private static final Path NODE_DIR = Path.of("src", "test", "node").toAbsolutePath();
    private static final List<String> STEPS = List.of("connect", "create", "insert with parameters",
            "select with a parameter", "named prepared statement", "multi-statement simple query",
            "SET CONSISTENCY READ_YOUR_WRITES / SHOW CONSISTENCY", "read your own write", "transaction BEGIN/COMMIT",
            "lattice_token ParameterStatus", "transaction BEGIN/ROLLBACK", "error 42P01 then the connection still works",
            "error 23505 then the connection still works", "error inside a transaction, then ROLLBACK", "end");

    @TempDir
    static Path dir;
    private static Path node;
    private static TestCertificates.Pem pem;
    private static RunningProxy plain;
    private static RunningProxy tls;

    @BeforeAll
    static void start() throws Exception {
        node = onPath("node");
        assumeTrue(node != null, "SKIPPED: node is not on PATH; the node-postgres test needs Node.js (18 or later)"
                + " and npm (Debian: apt-get install nodejs npm)");
        installPg();
        pem = TestCertificates.selfSigned(dir, "node");
        plain = RunningProxy.start("node");
        tls = RunningProxy.start("node-tls", Map.of("tls", Map.of("certificate", pem.certificate().toString(),
                "key", pem.key().toString())));
    }

    @AfterAll
    static void stop() {
        if (plain != null) {
            plain.close();
        }
        if (tls != null) {
            tls.close();
        }
    }

    @Test
    void nodePostgresConnectsWithScramAndRunsTheScript() throws Exception {
        String out = runScript(plain, List.of());
        assertTrue(out.contains("ok plain"), out);
    }

    @Test
    void nodePostgresRunsTheScriptOverVerifiedTls() throws Exception {
        long before = tls.server.stats().tlsConnections();
        String out = runScript(tls, List.of(pem.certificate().toString()));
        assertTrue(out.matches("(?s).*ok tls TLSv1\\.[23] .*"), out);
        assertEquals(before + 1, tls.server.stats().tlsConnections(), out);
    }

    private static String runScript(RunningProxy proxy, List<String> extra) throws Exception {
        List<String> command = new ArrayList<>(List.of(node.toString(), "script.js", String.valueOf(proxy.port())));
        command.addAll(extra);
        Result r = run(command, 120);
        String out = r.output();
        assertEquals(0, r.exitCode(), "node script.js failed:\n" + out);
        for (String step : STEPS) {
            assertTrue(out.contains("ok " + step + "\n"), "missing step '" + step + "':\n" + out);
        }
        assertTrue(out.contains("ALL OK"), out);
        return out;
    }

    /** Runs {@code npm ci} when node_modules lacks the pg version package.json pins. */
    static void installPg() throws Exception {
        String pinned = version(Files.readString(NODE_DIR.resolve("package.json")), "\"pg\"\\s*:\\s*\"([^\"]+)\"");
        Path installed = NODE_DIR.resolve("node_modules/pg/package.json");
        if (Files.exists(installed)
                && pinned.equals(version(Files.readString(installed), "\"version\"\\s*:\\s*\"([^\"]+)\""))) {
            return;
        }
        Path npm = onPath("npm");
        if (npm == null) {
            fail("node is installed but npm is not, and " + NODE_DIR + "/node_modules lacks pg " + pinned
                    + ": install npm, or run `npm ci` there");
        }
        Result r = run(List.of(npm.toString(), "ci", "--no-audit", "--no-fund", "--loglevel=error"), 300);
        assertEquals(0, r.exitCode(), "npm ci in " + NODE_DIR + " failed:\n" + r.output());
        assertTrue(Files.exists(installed), "npm ci did not install pg:\n" + r.output());
    }

    private static String version(String json, String regex) {
        Matcher m = Pattern.compile(regex).matcher(json);
        return m.find() ? m.group(1) : "";
    }

    private record Result(int exitCode, String output) { }

    /** Runs a command in src/test/node, output to a file so that a hung process cannot block the read. */
    private static Result run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        Path log = Files.createTempFile(dir, "node", ".log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(NODE_DIR.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        // No PGHOST, PGSSLMODE, ... from the environment: the script says everything itself.
        pb.environment().keySet().removeIf(k -> k.startsWith("PG"));
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            fail(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s:\n"
                    + Files.readString(log, StandardCharsets.UTF_8));
        }
        return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    static Path onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String d : path.split(File.pathSeparator)) {
            if (d.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(d, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
