package dev.lattice.proxy.session;

import dev.lattice.proxy.types.PgType;
import dev.lattice.routing.Session;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The types PostgreSQL would infer for a statement's parameters of unspecified type (OID 0), as
 * H2 infers them (compared with or inserted into a column of type X: X; 0 where it cannot tell),
 * kept per H2 text for the session, so a client that parses the same text again and again
 * (node-postgres, pgbench's unnamed statements) prepares it for that once. The session's own DDL
 * forgets them.
 */
final class InferredTypes {

    private static final int MAX = 128;

    private final Map<String, int[]> byText = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, int[]> eldest) {
            return size() > MAX;
        }
    };

    /**
     * The inferred OID of each parameter (0: unknown). When the primary cannot prepare the text now
     * (it is unreachable, or the statement is wrong) the types are unknown: the statement's own run
     * decides, so a read a replica can serve does not depend on the primary.
     */
    int[] of(Session session, PreparedQuery q) {
        int[] types = byText.get(q.h2Sql);
        if (types == null) {
            try {
                types = infer(session, q);
            } catch (SQLException e) {
                return new int[q.parameterCount()];
            }
            byText.put(q.h2Sql, types);
        }
        return types;
    }

    /** Whether the statement's types are known without asking a node. */
    boolean known(PreparedQuery q) {
        if (q.parameterCount() == 0 || q.markerParameters.length == 0 || byText.containsKey(q.h2Sql)) {
            return true;
        }
        for (int i = 0; i < q.parameterCount(); i++) {
            if (q.declaredType(i) == 0) {
                return false;
            }
        }
        return true;
    }

    void forget() {
        byText.clear();
    }

    /** Prepares the H2 text on the primary without running it and reads its parameter types. */
    static int[] infer(Session session, PreparedQuery q) throws SQLException {
        int[] types = new int[q.parameterCount()];
        if (q.markerParameters.length == 0) {
            return types;
        }
        try (PreparedStatement ps = session.primaryConnection().prepareStatement(q.h2Sql)) {
            ParameterMetaData pm = ps.getParameterMetaData();
            for (int j = 0; j < q.markerParameters.length; j++) {
                int p = q.markerParameters[j];
                if (types[p] == 0) {
                    int jdbc = pm.getParameterType(j + 1);
                    types[p] = jdbc == Types.NULL || jdbc == Types.OTHER ? 0
                            : PgType.ofJdbc(jdbc, pm.getParameterTypeName(j + 1)).oid();
                }
            }
        }
        return types;
    }
}
