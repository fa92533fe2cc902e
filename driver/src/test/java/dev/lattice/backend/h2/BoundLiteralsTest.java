package dev.lattice.backend.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.sql.analysis.LiteralParameters;
import dev.lattice.sql.analysis.StatementAnalysis;
import dev.lattice.sql.analysis.StatementAnalyzer;
import dev.lattice.testing.NodeChecksum;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A text whose literals are all key values, run on H2 as its shape's text with the literals bound
 * ({@link LiteralParameters}), does what the text does: the same rows, the same update counts and
 * table contents, the same SQLState when it fails. Each text runs as sent on one database and bound
 * on a twin, over key values of every kind against columns of other types (a string against an
 * INT, a number against a VARCHAR, a long beyond an INT, uuids, dates, CHAR padding), in H2's own
 * mode and in the PostgreSQL mode the proxy uses.
 */
class BoundLiteralsTest {

    private static final String[] SHAPES = {
        "SELECT id, name FROM t WHERE id = {i}",
        "SELECT id FROM t WHERE name = {s}",
        "SELECT id FROM t WHERE v = {s}",
        "SELECT id FROM t WHERE name = {i}",
        "SELECT id FROM t WHERE id = {l}",
        "SELECT id FROM t WHERE big = {i}",
        "SELECT id FROM t WHERE amount = {i}",
        "SELECT id FROM t WHERE tag = {u}",
        "SELECT id FROM t WHERE born = {d}",
        "SELECT id FROM t WHERE c = {s}",
        "SELECT id FROM t WHERE id IN ({i}, {i}, {i}) ORDER BY id",
        "SELECT id FROM t WHERE name IN ({s}, {s}) ORDER BY id",
        "SELECT * FROM t WHERE id = {i} AND name = {s}",
        "SELECT id FROM t WHERE (a, b) IN (({i}, {s}), ({i}, {s})) ORDER BY id",
        "SELECT t.id, u.f1 FROM t JOIN u ON u.id = t.id WHERE t.id = {i}",
        "UPDATE t SET id = {i} WHERE id = {i}",
        "DELETE FROM t WHERE id = {i}",
        "DELETE FROM t WHERE name = {s}",
        "INSERT INTO t(id) VALUES ({i})",
        "INSERT INTO t(id, name) VALUES ({i}, {s})",
        "INSERT INTO u(id) VALUES ({s})",
    };
    private static final Pattern HOLE = Pattern.compile("\\{([islud])}");

    @ParameterizedTest
    @ValueSource(strings = {"", ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH"})
    void boundTextsDoWhatTheirTextsDo(String mode) throws Exception {
        String name = "bound-literals-" + System.nanoTime();
        try (Connection sent = DriverManager.getConnection("jdbc:h2:mem:" + name + "-sent" + mode);
             Connection bound = DriverManager.getConnection("jdbc:h2:mem:" + name + "-bound" + mode)) {
            for (Connection c : List.of(sent, bound)) {
                load(c);
            }
            StatementAnalyzer analyzer = new StatementAnalyzer();
            Random random = new Random(42);
            int boundTexts = 0;
            for (String shape : SHAPES) {
                int boundHere = 0;
                for (int n = 0; n < 40; n++) {
                    String text = variant(shape, random);
                    StatementAnalysis analysis = analyzer.analyze(text);
                    LiteralParameters literals = analysis.literalParameters();
                    String asSent = run(sent, text, null);
                    String asBound = literals == null ? run(bound, text, null) : run(bound, literals.sql(), literals.values());
                    assertEquals(asSent, asBound, text + (literals == null ? "" : " bound as " + literals));
                    assertEquals(NodeChecksum.of(sent), NodeChecksum.of(bound), "after " + text);
                    boundHere += literals == null ? 0 : 1;
                }
                assertTrue(boundHere > 30, shape + ": only " + boundHere + " of 40 texts were bound");
                boundTexts += boundHere;
            }
            System.out.println("bound literals" + mode + ": " + boundTexts + " texts bound, each as its text");
        }
    }

    private static void load(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t(id INT PRIMARY KEY, name VARCHAR(20), v INT, big BIGINT, amount DECIMAL(10, 2), "
                    + "tag UUID, born DATE, c CHAR(5), a INT, b VARCHAR(5))");
            s.execute("CREATE TABLE u(id INT PRIMARY KEY, f1 INT)");
            s.execute("INSERT INTO t SELECT X, 'n' || MOD(X, 7), X, X * 1000, X / 4, "
                    + "CAST('00000000-0000-0000-0000-0000000000' || LPAD(CAST(X AS VARCHAR), 2, '0') AS UUID), "
                    + "DATEADD(DAY, X, DATE '2024-01-01'), 'c' || MOD(X, 3), MOD(X, 5), 'b' || MOD(X, 2) "
                    + "FROM SYSTEM_RANGE(1, 60) R(X)");
            s.execute("INSERT INTO u SELECT X, X * 10 FROM SYSTEM_RANGE(1, 60) R(X)");
        }
    }

    /** The shape with its holes filled: {i} an int, {s} a string, {l} a long, {u} a uuid, {d} a date. */
    private static String variant(String shape, Random random) {
        Matcher m = HOLE.matcher(shape);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = switch (m.group(1).charAt(0)) {
                case 'i' -> String.valueOf(random.nextInt(80));
                case 'l' -> String.valueOf(3_000_000_000L + random.nextInt(1000));
                case 'u' -> "'00000000-0000-0000-0000-0000000000" + String.format("%02d", random.nextInt(80)) + "'";
                case 'd' -> "'2024-0" + (1 + random.nextInt(3)) + "-" + String.format("%02d", 1 + random.nextInt(28)) + "'";
                default -> quoted(switch (random.nextInt(6)) {
                    case 0 -> "n" + random.nextInt(8);
                    case 1 -> String.valueOf(random.nextInt(80));
                    case 2 -> "c" + random.nextInt(3);
                    case 3 -> "b" + random.nextInt(2);
                    case 4 -> "it's";
                    default -> "";
                });
            };
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        return m.appendTail(out).toString();
    }

    private static String quoted(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    /** What running it gives: its rows in order, or its update count, or its failure's SQLState. */
    private static String run(Connection c, String sql, List<Object> values) {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (values != null) {
                for (int i = 0; i < values.size(); i++) {
                    ps.setObject(i + 1, values.get(i));
                }
            }
            if (!ps.execute()) {
                return "count " + ps.getUpdateCount();
            }
            List<String> rows = new ArrayList<>();
            try (ResultSet rs = ps.getResultSet()) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    StringBuilder row = new StringBuilder();
                    for (int i = 1; i <= n; i++) {
                        row.append(rs.getMetaData().getColumnLabel(i)).append('=').append(rs.getString(i)).append(' ');
                    }
                    rows.add(row.toString());
                }
            }
            return rows.toString();
        } catch (SQLException e) {
            return "error " + e.getSQLState();
        }
    }
}
