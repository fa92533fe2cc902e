package dev.lattice.proxy.session;

import dev.lattice.proxy.types.PgType;
import dev.lattice.routing.CommandResult;
import dev.lattice.routing.Commands;
import dev.lattice.routing.Session;
import dev.lattice.sql.analysis.StatementKind;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;

/**
 * Describe of a prepared statement: its parameter types (as declared, else as H2 infers them)
 * and its result columns, learnt by preparing the H2 text on the primary without running it.
 */
final class StatementDescriber {

    private StatementDescriber() {
    }

    static void describe(Session session, PgSettings settings, PreparedQuery q) throws SQLException {
        if (q.described) {
            return;
        }
        int[] types = new int[q.parameterCount()];
        for (int i = 0; i < types.length; i++) {
            types[i] = q.declaredType(i);
        }
        Columns columns = null;
        if (q.setting) {
            if (CommandTags.words(q.sql, 1)[0].equals("SHOW")) {
                try (ResultSet rs = settings.execute(q.sql).rows()) {
                    columns = Columns.of(rs.getMetaData());
                }
            }
        } else if (!q.empty) {
            StatementKind kind = q.analysis.kind();
            switch (kind) {
                case QUERY, DML, OTHER -> columns = fromH2(session, q, types, kind != StatementKind.DML);
                case LATTICE_SESSION, LATTICE_ADMIN -> {
                    if (CommandTags.words(q.sql, 1)[0].equals("SHOW")) {
                        CommandResult r = Commands.execute(session, q.analysis, q.sql);
                        try (ResultSet rs = r.resultSet()) {
                            columns = rs == null ? null : Columns.of(rs.getMetaData());
                        }
                    }
                }
                default -> {
                }
            }
        }
        for (int i = 0; i < types.length; i++) {
            if (types[i] == 0) {
                types[i] = PgType.TEXT.oid();
            }
        }
        q.parameterTypes = types;
        q.columns = columns;
        q.described = true;
    }

    private static Columns fromH2(Session session, PreparedQuery q, int[] types, boolean rows) throws SQLException {
        try (PreparedStatement ps = session.primaryConnection().prepareStatement(q.h2Sql)) {
            if (q.markerParameters.length > 0) {
                ParameterMetaData pm = ps.getParameterMetaData();
                for (int j = 0; j < q.markerParameters.length; j++) {
                    int p = q.markerParameters[j];
                    if (types[p] == 0) {
                        int jdbc = pm.getParameterType(j + 1);
                        types[p] = jdbc == java.sql.Types.NULL || jdbc == java.sql.Types.OTHER ? 0
                                : PgType.ofJdbc(jdbc, pm.getParameterTypeName(j + 1)).oid();
                    }
                }
            }
            if (!rows) {
                return null;
            }
            ResultSetMetaData meta = ps.getMetaData();
            return meta == null || meta.getColumnCount() == 0 ? null : Columns.of(meta);
        }
    }
}
