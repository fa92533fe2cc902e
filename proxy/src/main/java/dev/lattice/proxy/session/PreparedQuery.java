package dev.lattice.proxy.session;

import dev.lattice.routing.Session;
import dev.lattice.sql.analysis.ParameterMarker;
import dev.lattice.sql.analysis.StatementAnalysis;
import java.sql.SQLException;
import java.util.List;

/**
 * A statement as the client wrote it, ready to run: its analysis (or that it is a PostgreSQL
 * setting the proxy answers), its H2 text with {@code $n} markers turned into {@code ?}, which
 * parameter each {@code ?} takes, and the parameter types the client declared.
 */
final class PreparedQuery {

    final String sql;
    final StatementAnalysis analysis;
    final boolean setting;
    final boolean empty;
    final String h2Sql;
    /** For each {@code ?} of {@link #h2Sql} in order, the 0-based parameter it takes. */
    final int[] markerParameters;
    final int[] declaredTypes;
    /** Whether it is a SHOW, whose CommandComplete tag is "SHOW" rather than "SELECT n". */
    final boolean show;
    /** A COPY FROM STDIN or TO STDOUT: which way its data moves; null for any other statement. */
    final CopyRelay.Direction copy;
    /** Filled in by the first Describe of the statement. */
    int[] parameterTypes;
    Columns columns;
    boolean described;

    private PreparedQuery(String sql, StatementAnalysis analysis, boolean setting, int[] declaredTypes) {
        this.sql = sql;
        this.analysis = analysis;
        this.setting = setting;
        this.empty = sql.isBlank();
        String[] first = CommandTags.words(sql, 1);
        this.show = first.length > 0 && first[0].equals("SHOW");
        this.copy = first.length > 0 && first[0].equals("COPY") ? CopyRelay.direction(sql) : null;
        this.declaredTypes = declaredTypes == null ? new int[0] : declaredTypes;
        if (analysis == null) {
            this.h2Sql = sql;
            this.markerParameters = new int[0];
        } else {
            List<ParameterMarker> markers = analysis.parameterMarkers();
            StringBuilder h2 = new StringBuilder(sql.length());
            int[] params = new int[markers.size()];
            int at = 0;
            for (int i = 0; i < markers.size(); i++) {
                ParameterMarker m = markers.get(i);
                h2.append(sql, at, m.offset()).append('?');
                at = m.offset() + m.length();
                params[i] = m.number() - 1;
            }
            h2.append(sql, at, sql.length());
            this.h2Sql = h2.toString();
            this.markerParameters = params;
        }
    }

    static PreparedQuery of(Session session, String sql, int[] declaredTypes) throws SQLException {
        if (sql.isBlank()) {
            return new PreparedQuery(sql, null, false, declaredTypes);
        }
        // In front of PostgreSQL the server answers SET and SHOW; over H2 the proxy does.
        if (!session.cluster().config().postgres() && PgSettings.recognizes(sql)) {
            return new PreparedQuery(sql, null, true, declaredTypes);
        }
        return new PreparedQuery(sql, session.analyze(sql), false, declaredTypes);
    }

    /** How many parameters a Bind must supply. */
    int parameterCount() {
        int n = analysis == null ? 0 : analysis.parameterCount();
        return Math.max(n, declaredTypes.length);
    }

    /** The type the client declared for parameter i, 0 when it left it to the server. */
    int declaredType(int i) {
        return i < declaredTypes.length ? declaredTypes[i] : 0;
    }
}
