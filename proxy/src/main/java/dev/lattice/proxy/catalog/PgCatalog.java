package dev.lattice.proxy.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * PostgreSQL's {@code pg_catalog} as psql, pgjdbc and GUI clients read it, installed on one H2
 * node in PostgreSQL mode: views over INFORMATION_SCHEMA (so they are right after any DDL on the
 * node that answers), the costly ones read through {@link CatalogTable}s, and aliases of
 * {@link CatalogFunctions}, all in H2's {@code pg_catalog} schema, which Lattice's capture,
 * snapshots and checksums leave out. Installing is idempotent.
 */
public final class PgCatalog {

    private static final List<String> STATEMENTS = load();
    /** The catalog's in-memory tables ({@link CatalogTable}), by name. */
    private static final List<String> TABLES = STATEMENTS.stream()
            .filter(st -> st.startsWith("CREATE TABLE IF NOT EXISTS pg_catalog."))
            .map(st -> st.substring("CREATE TABLE IF NOT EXISTS pg_catalog.".length(), st.indexOf(' ', 38)))
            .toList();

    private PgCatalog() {
    }

    /** Creates (or replaces) the catalog on this node; the connection's auto-commit is left as it was. */
    public static void install(Connection node) throws SQLException {
        try (Statement s = node.createStatement()) {
            for (String table : TABLES) {
                // made again from the views of this install (a catalog installed by an older proxy had a view
                // where an in-memory table is now); what depends on it is made again below
                try (ResultSet rs = s.executeQuery("SELECT table_type FROM information_schema.tables WHERE table_schema ="
                        + " 'pg_catalog' AND table_name = '" + table + "'")) {
                    if (rs.next()) {
                        s.execute((rs.getString(1).equalsIgnoreCase("VIEW") ? "DROP VIEW " : "DROP TABLE ") + "pg_catalog." + table
                                + " CASCADE");
                    }
                }
            }
            for (String statement : STATEMENTS) {
                s.execute(statement);
            }
        }
        if (!node.getAutoCommit()) {
            node.commit();
        }
    }

    /** Whether this node has the catalog (a replica rebuilt from a snapshot has lost it). */
    public static boolean installed(Connection node) throws SQLException {
        try (Statement s = node.createStatement();
             var rs = s.executeQuery("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'pg_catalog' "
                     + "AND table_name = 'lattice_pg_proc'")) {
            return rs.next() && rs.getInt(1) > 0;
        }
    }

    private static List<String> load() {
        try (InputStream in = PgCatalog.class.getResourceAsStream("pg_catalog.sql")) {
            if (in == null) {
                throw new IllegalStateException("pg_catalog.sql is missing from the proxy's classes");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            List<String> statements = new ArrayList<>();
            StringBuilder current = new StringBuilder();
            for (String line : text.split("\n")) {
                if (line.strip().equals(";")) {
                    statements.add(current.toString().strip());
                    current.setLength(0);
                } else if (!line.startsWith("--")) {
                    current.append(line).append('\n');
                }
            }
            return List.copyOf(statements);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
