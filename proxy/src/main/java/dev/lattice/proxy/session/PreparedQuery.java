package dev.lattice.proxy.session;

import dev.lattice.proxy.pgsql.PgMaintenance;
import dev.lattice.proxy.pgsql.PgRewriter;
import dev.lattice.proxy.pgsql.PgTruncate;
import dev.lattice.routing.Session;
import dev.lattice.sql.analysis.LiteralParameters;
import dev.lattice.sql.analysis.ParameterMarker;
import dev.lattice.sql.analysis.StatementAnalysis;
import dev.lattice.sql.analysis.StatementKind;
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
    /**
     * A simple query whose literals are all key values: the values its {@code ?}s take, {@link #h2Sql}
     * being the text of its whole shape (H2 then parses it once for all); else null.
     */
    final Object[] literalValues;
    final int[] declaredTypes;
    /** Whether it is a SHOW, whose CommandComplete tag is "SHOW" rather than "SELECT n". */
    final boolean show;
    /** A COPY FROM STDIN or TO STDOUT: which way its data moves; null for any other statement. */
    final CopyRelay.Direction copy;
    /** For a rewritten {@code … RETURNING}: the verb its CommandComplete tag names; else null. */
    final String rowsVerb;
    /**
     * The CommandComplete tag PostgreSQL gives it, where the H2 statement's would differ; for a
     * statement the proxy answers without running anything ({@link #setting}), its whole answer.
     */
    final String tag;
    /** A call of an advisory lock function, which the proxy answers each time it runs; else null. */
    AdvisoryLockCall lock;
    /** For a statement that is several H2 statements (TRUNCATE of several tables): them, in order; else null. */
    List<PreparedQuery> parts;
    /** Filled in by the first Describe of the statement. */
    int[] parameterTypes;
    Columns columns;
    boolean described;
    private Boolean namesRowsByKey;

    private PreparedQuery(String sql, StatementAnalysis analysis, boolean setting, int[] declaredTypes,
                          String rowsVerb, String tag) {
        this(sql, analysis, setting, declaredTypes, rowsVerb, tag, null);
    }

    /** @param literals the literals to bind in place of the text's, or null to run the text as it is */
    private PreparedQuery(String sql, StatementAnalysis analysis, boolean setting, int[] declaredTypes,
                          String rowsVerb, String tag, LiteralParameters literals) {
        this.sql = sql;
        this.rowsVerb = rowsVerb;
        this.tag = tag;
        this.analysis = analysis;
        this.setting = setting;
        this.empty = sql.isBlank();
        String[] first = CommandTags.words(sql, 1);
        this.show = first.length > 0 && first[0].equals("SHOW");
        this.copy = first.length > 0 && first[0].equals("COPY") ? CopyRelay.direction(sql) : null;
        this.declaredTypes = declaredTypes == null ? new int[0] : declaredTypes;
        this.literalValues = literals == null ? null : literals.values().toArray();
        if (literals != null) {
            this.h2Sql = literals.sql(); // a text with literals has no parameter markers
            this.markerParameters = new int[0];
        } else if (analysis == null) {
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

    /**
     * A statement of a simple Query message: as {@link #of}, and over H2, when every literal in it is
     * a key value of a shape seen before, run as its shape's text with the literals bound, so that H2
     * parses the shape once rather than each text (see {@link LiteralParameters}). Not in front of
     * PostgreSQL: it types a string literal by its context, a bound string as varchar.
     */
    static PreparedQuery simple(Session session, String sql, PgRewriter rewriter) throws SQLException {
        return of(session, sql, null, rewriter, true);
    }

    /**
     * @param rewriter over H2, turns PostgreSQL's forms into H2's before anything analyses the
     *        statement (so the H2 text is what runs and replicates); null in front of PostgreSQL
     */
    static PreparedQuery of(Session session, String sql, int[] declaredTypes, PgRewriter rewriter)
            throws SQLException {
        return of(session, sql, declaredTypes, rewriter, false);
    }

    private static PreparedQuery of(Session session, String sql, int[] declaredTypes, PgRewriter rewriter,
                                    boolean bindLiterals) throws SQLException {
        if (sql.isBlank()) {
            return new PreparedQuery(sql, null, false, declaredTypes, null, null);
        }
        // In front of PostgreSQL the server answers SET and SHOW; over H2 the proxy does.
        if (!session.cluster().config().postgres() && PgSettings.recognizes(sql)) {
            return new PreparedQuery(sql, null, true, declaredTypes, null, null);
        }
        if (rewriter != null && !session.cluster().config().postgres()) {
            AdvisoryLockCall lock = AdvisoryLockCall.parse(sql);
            if (lock != null) {
                PreparedQuery call = new PreparedQuery(sql, null, true, declaredTypes, null, null);
                call.lock = lock;
                return call;
            }
            String maintenance = PgMaintenance.tag(sql);
            if (maintenance != null) {
                return new PreparedQuery(sql, null, true, declaredTypes, null, maintenance);
            }
            List<String> tables = PgTruncate.split(sql);
            if (tables != null) {
                PreparedQuery all = new PreparedQuery(sql, null, true, declaredTypes, null, PgTruncate.TAG);
                all.parts = new java.util.ArrayList<>();
                for (String one : tables) {
                    all.parts.add(of(session, one, null, rewriter));
                }
                return all;
            }
            PgRewriter.Rewritten r = rewriter.rewrite(sql);
            StatementAnalysis analysis = session.analyze(r.sql());
            return new PreparedQuery(r.sql(), analysis, false, declaredTypes, r.rowsVerb(), r.tag(),
                    bindLiterals ? analysis.literalParameters() : null);
        }
        return new PreparedQuery(sql, session.analyze(sql), false, declaredTypes, null, null);
    }

    /** The CommandComplete tag of a statement that returned these many rows. */
    String rowsTag(long rows) {
        if (show) {
            return "SHOW";
        }
        if (rowsVerb != null) {
            return rowsVerb.equals("INSERT") ? "INSERT 0 " + rows : rowsVerb + " " + rows;
        }
        return CommandTags.rows(rows);
    }

    /**
     * Whether it is a plain read or write that names its rows by key in every table it touches
     * (a point statement, cheap enough for an event loop); computed once.
     */
    boolean namesRowsByKey() {
        Boolean point = namesRowsByKey;
        if (point == null) {
            point = analysis != null && !setting && copy == null && parts == null && lock == null
                    && (analysis.kind() == StatementKind.QUERY || analysis.kind() == StatementKind.DML)
                    && analysis.parsed() && !analysis.tables().isEmpty()
                    && analysis.tables().stream().noneMatch(t -> analysis.keyPredicates(t).isEmpty());
            namesRowsByKey = point;
        }
        return point;
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
