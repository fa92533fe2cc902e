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
import org.postgresql.core.BaseConnection;
import org.postgresql.core.Field;
import org.postgresql.core.TypeInfo;
import org.postgresql.jdbc.PgResultSetMetaData;
import org.postgresql.util.PGobject;

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
        if (q.lock != null) {
            columns = Columns.of(q.lock.columns().getMetaData());
        } else if (q.setting) {
            if (CommandTags.words(q.sql, 1)[0].equals("SHOW")) {
                try (ResultSet rs = settings.execute(q.sql).rows()) {
                    columns = Columns.of(rs.getMetaData());
                }
            }
        } else if (!q.empty) {
            StatementKind kind = q.analysis.kind();
            switch (kind) {
                case QUERY, DML, OTHER -> columns = session.cluster().config().postgres()
                        ? fromServer(session, q, types) : fromH2(session, q, types, kind != StatementKind.DML);
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

    /**
     * The server describes the statement (one Parse/Describe on the primary, as the client would
     * have had): the parameter types it inferred, and the result columns with their real OIDs.
     */
    private static Columns fromServer(Session session, PreparedQuery q, int[] types) throws SQLException {
        try (PreparedStatement ps = session.primaryConnection().prepareStatement(q.h2Sql)) {
            TypeInfo typeInfo = ps.getConnection().unwrap(BaseConnection.class).getTypeInfo();
            for (int j = 0; j < q.markerParameters.length; j++) {
                int declared = types[q.markerParameters[j]];
                if (declared != 0) {
                    // a typed NULL: the server resolves the statement with the client's types
                    PGobject typed = new PGobject();
                    typed.setType(typeInfo.getPGType(declared));
                    ps.setObject(j + 1, typed);
                }
            }
            if (q.markerParameters.length > 0) {
                ParameterMetaData pm = ps.getParameterMetaData();
                for (int j = 0; j < q.markerParameters.length; j++) {
                    int p = q.markerParameters[j];
                    if (types[p] == 0) {
                        types[p] = typeInfo.getPGType(pm.getParameterTypeName(j + 1));
                    }
                }
            }
            ResultSetMetaData meta = ps.getMetaData();
            if (meta == null || meta.getColumnCount() == 0) {
                return null;
            }
            return Columns.server(meta, serverOids(meta));
        }
    }

    /** The OIDs the server described; pgjdbc keeps them in its fields, which it does not expose. */
    private static int[] serverOids(ResultSetMetaData meta) throws SQLException {
        try {
            java.lang.reflect.Field f = PgResultSetMetaData.class.getDeclaredField("fields");
            f.setAccessible(true);
            Field[] fields = (Field[]) f.get(meta.unwrap(PgResultSetMetaData.class));
            int[] oids = new int[fields.length];
            for (int i = 0; i < oids.length; i++) {
                oids[i] = fields[i].getOID();
            }
            return oids;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new SQLException("cannot read the column types of pgjdbc's description: " + e, "XX000", e);
        }
    }

    private static Columns fromH2(Session session, PreparedQuery q, int[] types, boolean rows) throws SQLException {
        int[] inferred = InferredTypes.infer(session, q);
        for (int i = 0; i < types.length; i++) {
            if (types[i] == 0) {
                types[i] = inferred[i];
            }
        }
        if (!rows) {
            return null;
        }
        try (PreparedStatement ps = session.primaryConnection().prepareStatement(q.h2Sql)) {
            ResultSetMetaData meta = ps.getMetaData();
            return meta == null || meta.getColumnCount() == 0 ? null : Columns.of(meta);
        }
    }
}
