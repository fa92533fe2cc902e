package dev.lattice.proxy.copy;

import dev.lattice.proxy.protocol.BackendMessages;
import dev.lattice.proxy.types.PgType;
import dev.lattice.proxy.types.ValueDecoder;
import dev.lattice.routing.Session;
import dev.lattice.sql.analysis.StatementAnalysis;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.sql.BatchUpdateException;
import java.sql.PreparedStatement;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code COPY table FROM STDIN} over H2: the rows become batches of one INSERT through the
 * engine's write path (locked, captured, logged and replicated as any INSERT), all in one
 * transaction — the COPY's own in autocommit, so a bad row leaves nothing behind, or the
 * session's, which it then fails as PostgreSQL does.
 */
public final class H2CopyIn implements CopyIn {

    private static final int BATCH = 1000;

    private final Session session;
    private final CopyStatement statement;
    private final CopyInParser parser;
    private final String insertSql;
    private final StatementAnalysis insert;
    private final String[] names;
    private final PgType[] types;
    private final ZoneId zone;
    private final List<Object[]> batch = new ArrayList<>(BATCH);
    private final List<Long> batchLines = new ArrayList<>(BATCH);
    private boolean ownTransaction;
    private boolean headerSkipped;
    private long rows;

    private H2CopyIn(Session session, CopyStatement statement, String insertSql, String[] names, PgType[] types,
                     ZoneId zone) throws SQLException {
        this.session = session;
        this.zone = zone;
        this.statement = statement;
        this.insertSql = insertSql;
        this.insert = session.analyze(insertSql);
        this.names = names;
        this.types = types;
        this.parser = new CopyInParser(statement.format(), statement.tableName());
    }

    /** Learns the target columns, opens the COPY's transaction when the session has none, answers CopyInResponse. */
    public static H2CopyIn begin(Session session, CopyStatement statement, ByteBuf out, ZoneId zone)
            throws SQLException {
        String columns = statement.columns().isEmpty() ? "*" : String.join(", ", statement.columns());
        String[] names;
        PgType[] types;
        List<String> targets = new ArrayList<>();
        try (PreparedStatement ps = session.primaryConnection()
                .prepareStatement("SELECT " + columns + " FROM " + statement.table())) {
            ResultSetMetaData meta = ps.getMetaData();
            int n = meta.getColumnCount();
            names = new String[n];
            types = new PgType[n];
            for (int i = 0; i < n; i++) {
                names[i] = meta.getColumnName(i + 1);
                types[i] = PgType.of(meta, i + 1);
                targets.add(statement.columns().isEmpty() ? '"' + names[i].replace("\"", "\"\"") + '"'
                        : statement.columns().get(i));
            }
        }
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(statement.table()).append(" (")
                .append(String.join(", ", targets)).append(") VALUES (");
        for (int i = 0; i < names.length; i++) {
            sql.append(i == 0 ? "?" : ", ?");
        }
        H2CopyIn copy = new H2CopyIn(session, statement, sql.append(')').toString(), names, types, zone);
        copy.ownTransaction = session.effectiveAutoCommit();
        if (copy.ownTransaction) {
            session.begin(null, null);
        }
        BackendMessages.copyResponse(out, 'G', names.length);
        return copy;
    }

    @Override
    public void data(byte[] bytes) throws SQLException {
        parser.feed(bytes, this::row);
    }

    @Override
    public String done() throws SQLException {
        parser.finish(this::row);
        flush();
        if (ownTransaction) {
            ownTransaction = false;
            session.commit();
        }
        return "COPY " + rows;
    }

    @Override
    public void fail() {
        batch.clear();
        if (ownTransaction) {
            ownTransaction = false;
            try {
                session.rollback();
            } catch (SQLException ignored) {
                // the engine resets a broken connection
            }
        }
    }

    private void row(List<String> fields, long line) throws SQLException {
        if (statement.format().header() != CopyFormat.Header.NONE && !headerSkipped) {
            headerSkipped = true;
            if (statement.format().header() == CopyFormat.Header.MATCH) {
                matchHeader(fields, line);
            }
            return;
        }
        if (fields.size() > names.length) {
            throw new CopyException(new SQLException("extra data after last expected column", "22P04"),
                    context(line));
        }
        if (fields.size() < names.length) {
            throw new CopyException(new SQLException("missing data for column \"" + names[fields.size()] + "\"",
                    "22P04"), context(line));
        }
        Object[] values = new Object[names.length];
        for (int i = 0; i < values.length; i++) {
            String field = fields.get(i);
            if (field == null) {
                continue;
            }
            try {
                values[i] = ValueDecoder.decode(field.getBytes(StandardCharsets.UTF_8), types[i].oid(), false, zone);
            } catch (SQLException e) {
                throw new CopyException(new SQLException("invalid input syntax for type " + typeName(types[i]) + ": \""
                        + field + "\"", e.getSQLState()), context(line) + ", column " + names[i] + ": \"" + field + "\"");
            }
        }
        batch.add(values);
        batchLines.add(line);
        if (batch.size() >= BATCH) {
            flush();
        }
    }

    private void matchHeader(List<String> fields, long line) throws SQLException {
        if (fields.size() != names.length) {
            throw new CopyException(new SQLException("wrong number of fields in header line: got " + fields.size()
                    + ", expected " + names.length, "22P04"), context(line));
        }
        for (int i = 0; i < names.length; i++) {
            if (fields.get(i) == null || !fields.get(i).equals(names[i])) {
                throw new CopyException(new SQLException("column name mismatch in header line field " + (i + 1)
                        + ": got \"" + fields.get(i) + "\", expected \"" + names[i] + "\"", "22P04"), context(line));
            }
        }
    }

    /** Inserts the rows read so far as one JDBC batch; the first row H2 refused names the line. */
    private void flush() throws SQLException {
        if (batch.isEmpty()) {
            return;
        }
        SQLException[] refused = new SQLException[1];
        int failed = session.execute(insert, insertSql, (node, index) -> {
            try (PreparedStatement ps = node.prepareStatement(insertSql)) {
                for (Object[] values : batch) {
                    for (int i = 0; i < values.length; i++) {
                        ps.setObject(i + 1, values[i]);
                    }
                    ps.addBatch();
                }
                try {
                    ps.executeBatch();
                    return -1;
                } catch (BatchUpdateException e) {
                    refused[0] = first(e);
                    int[] counts = e.getUpdateCounts();
                    for (int i = 0; counts != null && i < counts.length; i++) {
                        if (counts[i] == Statement.EXECUTE_FAILED) {
                            return i;
                        }
                    }
                    return counts == null ? 0 : Math.min(counts.length, batch.size() - 1);
                }
            }
        });
        if (failed >= 0) {
            throw new CopyException(refused[0], context(batchLines.get(failed)));
        }
        rows += batch.size();
        batch.clear();
        batchLines.clear();
    }

    /** H2 runs every element and chains their failures newest first: the oldest is the first row refused. */
    private static SQLException first(BatchUpdateException e) {
        SQLException first = e.getNextException() != null ? e.getNextException()
                : e.getCause() instanceof SQLException s ? s : e;
        while (first.getNextException() != null) {
            first = first.getNextException();
        }
        return first;
    }

    private String context(long line) {
        return "COPY " + statement.tableName() + ", line " + line;
    }

    /** PostgreSQL's name of the type, as its input errors say it. */
    static String typeName(PgType type) {
        return switch (type) {
            case BOOL -> "boolean";
            case INT2 -> "smallint";
            case INT4 -> "integer";
            case INT8 -> "bigint";
            case FLOAT4 -> "real";
            case FLOAT8 -> "double precision";
            case TIME -> "time without time zone";
            case TIMESTAMP -> "timestamp without time zone";
            case TIMESTAMPTZ -> "timestamp with time zone";
            case TIMETZ -> "time with time zone";
            case BPCHAR -> "character";
            case VARCHAR -> "character varying";
            default -> type.name().toLowerCase(Locale.ROOT);
        };
    }
}
