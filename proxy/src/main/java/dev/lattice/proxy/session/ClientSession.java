package dev.lattice.proxy.session;

import dev.lattice.backend.WouldWait;
import dev.lattice.proxy.catalog.CatalogSetup;
import dev.lattice.proxy.catalog.JsonColumns;
import dev.lattice.proxy.copy.CopyIn;
import dev.lattice.proxy.copy.CopyStatement;
import dev.lattice.proxy.copy.H2CopyIn;
import dev.lattice.proxy.copy.H2CopyOut;
import dev.lattice.proxy.pgsql.PgJson;
import dev.lattice.proxy.pgsql.PgRewriter;
import dev.lattice.proxy.protocol.BackendMessages;
import dev.lattice.proxy.protocol.FrontendMessage;
import dev.lattice.proxy.protocol.Outbound;
import dev.lattice.proxy.protocol.Outbound.ClientGoneException;
import dev.lattice.routing.CommandResult;
import dev.lattice.routing.Commands;
import dev.lattice.routing.NodeWork;
import dev.lattice.routing.RunningStatement;
import dev.lattice.routing.Session;
import dev.lattice.sql.analysis.StatementAnalysis;
import dev.lattice.sql.analysis.StatementKind;
import dev.lattice.sql.statement.SqlCommit;
import dev.lattice.sql.statement.SqlRollback;
import io.netty.buffer.ByteBuf;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client of the proxy: one engine {@link Session} driven by protocol v3 messages, in order,
 * on the connection's worker thread. It keeps what the protocol keeps per connection (prepared
 * statements, portals, the failed-transaction and discard-until-Sync states) and nothing of
 * routing: every statement goes to the engine as the JDBC face sends it.
 */
public final class ClientSession implements AutoCloseable {

    private static final Object[] NO_PARAMETERS = new Object[0];
    /** The most parameter values a Bind message carries (its count is an Int16). */
    private static final int MAX_PARAMETERS = 65_535;
    /** The longest statement text handled on the event loop: analysing a longer one is work for the worker. */
    private static final int AT_ONCE_TEXT = 4096;
    private static final Logger LOG = LoggerFactory.getLogger(ClientSession.class);

    private final Session session;
    private final Outbound out;
    private final PgSettings settings;
    private final NodeStatements statements = new NodeStatements();
    private final InferredTypes inferred = new InferredTypes();
    private final Map<String, PreparedQuery> prepared = new HashMap<>();
    private final Map<String, Portal> portals = new HashMap<>();
    private boolean failedTransaction;
    private boolean discarding;
    /**
     * An implicit transaction of the extended protocol is open: as in PostgreSQL, the statements of
     * one pipeline (up to its Sync) outside a transaction block commit together at the Sync, or not
     * at all (a JDBC batch in autocommit). Opened at a write that is not alone in its pipeline.
     */
    private boolean pipelineTransaction;
    private long reportedToken = Long.MIN_VALUE;
    /** The statement on a node now, which a CancelRequest stops. */
    private final RunningStatement running = new RunningStatement();
    private final int maxStatementLength;
    // In front of a PostgreSQL cluster: the server's settings, COPY through pgjdbc.
    private final boolean postgres;
    private final ServerSettings serverSettings = new ServerSettings();
    /** The COPY FROM STDIN taking CopyData now, else null. */
    private CopyIn copyIn;
    // Over H2: PostgreSQL's forms rewritten into H2's, and the functions clients call answered.
    private final PgSessionFacts facts;
    private final PgRewriter rewriter;
    /** The proxy's advisory locks, which this session may hold. */
    private final AdvisoryLocks advisoryLocks;
    /** Whether the session ever called an advisory lock function (only then can it hold one). */
    private boolean advisoryLocking;
    /** Set by a CancelRequest: a wait for an advisory lock gives up. */
    private volatile boolean cancelRequested;
    /** Query and Execute messages received and not yet handled: what a CancelRequest may stop. */
    private final java.util.concurrent.atomic.AtomicInteger unfinished = new java.util.concurrent.atomic.AtomicInteger();
    /** A CancelRequest that came while a statement was on its way to a node: it fails as it starts. */
    private volatile boolean cancelPending;
    /** The statements run on event loops and those measured too slow for it, shared by the proxy's sessions. */
    private final AtOnceStatements atOnceStatements;
    /** Set while a message is handled on the event loop: its statement must not wait (Session.executeNow). */
    private boolean atOnce;
    /** The simple Query {@link #handlesAtOnce} judged, kept for its run. */
    private PreparedQuery judged;

    /**
     * @param maxStatementLength the longest statement text (a Query's or a Parse's, in characters)
     *        accepted; longer ones are refused with 54000 before anything reads them
     * @param advisoryLocks the advisory locks of the proxy, shared by all its sessions
     * @param atOnceStatements the statements run on event loops, and those measured too slow for it, shared likewise
     */
    public ClientSession(Session session, Outbound out, PgSettings settings, int maxStatementLength,
                         AdvisoryLocks advisoryLocks, AtOnceStatements atOnceStatements) {
        this.session = session;
        this.atOnceStatements = atOnceStatements;
        this.advisoryLocks = advisoryLocks;
        this.out = out;
        this.settings = settings;
        this.maxStatementLength = maxStatementLength;
        this.postgres = session.cluster().config().postgres();
        boolean catalog = !postgres && CatalogSetup.applies(session.cluster().config());
        this.facts = new PgSessionFacts(settings, catalog ? JsonColumns.of(session.cluster()) : PgJson.Tables.NONE);
        this.rewriter = postgres ? null : new PgRewriter(facts, catalog);
    }

    /** Completes start-up: reported settings, the causal token, the cancel key, ReadyForQuery. */
    public void start(int processId, int secretKey) throws SQLException {
        facts.pid(processId);
        ByteBuf buf = out.buf();
        if (postgres) {
            serverSettings.start(buf, session, settings);
        } else {
            for (String name : PgSettings.REPORTED) {
                BackendMessages.parameterStatus(buf, name, settings.get(name));
            }
        }
        reportToken();
        BackendMessages.backendKeyData(out.buf(), processId, secretKey);
        readyForQuery();
        out.flush();
    }

    /**
     * On the event loop, as a message arrives and before it waits for the worker: a Query or an
     * Execute counts as a statement a CancelRequest may stop from now on (pgjdbc sends its one
     * cancel as soon as it has sent the query, often before the worker starts it).
     */
    public void arrived(FrontendMessage message) {
        if (message instanceof FrontendMessage.Query || message instanceof FrontendMessage.Execute) {
            unfinished.incrementAndGet();
        }
    }

    /**
     * On the event loop, while the worker is idle: whether the message can be handled right there,
     * because nothing in it waits. That is protocol bookkeeping (Parse of a short text, Bind of known
     * types, Describe of a described statement, Close, Sync, Flush), and, over H2 nodes in this
     * process, an autocommit point read a replica serves at once or an autocommit point write whose
     * commit waits for no replica, not measured slow (see {@link Session#runsAtOnce}). Anything else
     * goes to the worker, which may block.
     */
    public boolean handlesAtOnce(FrontendMessage m) {
        judged = null;
        if (postgres || copyIn != null || pipelineTransaction) {
            return false;
        }
        try {
            if (m instanceof FrontendMessage.Sync || m instanceof FrontendMessage.Flush
                    || m instanceof FrontendMessage.Close || discarding) {
                return true;
            }
            if (m instanceof FrontendMessage.Parse p) {
                return p.sql().length() <= AT_ONCE_TEXT;
            }
            if (m instanceof FrontendMessage.Bind b) {
                PreparedQuery q = prepared.get(b.statement());
                return q == null || inferred.known(q);
            }
            if (m instanceof FrontendMessage.Describe d) {
                if (d.target() == 'S') {
                    PreparedQuery q = prepared.get(d.name());
                    return q == null || q.described;
                }
                Portal p = portals.get(d.name());
                return p == null || p.result != null || !mayReturnRows(p.query) || runsAtOnce(p.query);
            }
            if (m instanceof FrontendMessage.Execute e) {
                Portal p = portals.get(e.portal());
                return p == null || p.query.empty || (p.result != null ? p.resultAtOnce
                        : !beginsPipelineTransaction(e, p) && runsAtOnce(p.query));
            }
            if (m instanceof FrontendMessage.Query q && q.sql().length() <= AT_ONCE_TEXT) {
                List<String> parts = SqlSplitter.split(q.sql());
                if (parts.size() == 1) {
                    PreparedQuery first = PreparedQuery.simple(session, parts.get(0), rewriter);
                    judged = first.parameterCount() == 0 && runsAtOnce(first) ? first : null;
                }
                return judged != null;
            }
        } catch (SQLException | RuntimeException | StackOverflowError e) {
            // the worker runs it and answers the error
        }
        return false;
    }

    /**
     * Handles on the event loop a message {@link #handlesAtOnce} accepted; false when its
     * statement turned out to need a wait (a write met a row lock or DDL) and nothing of it was
     * done or answered: the worker must handle the message.
     */
    public boolean handleAtOnce(FrontendMessage m) throws ClientGoneException {
        atOnce = true;
        try {
            dispatch(m);
        } catch (RunOnWorker again) {
            return false;
        } finally {
            atOnce = false;
            judged = null;
        }
        finished(m);
        return true;
    }

    /**
     * A statement that names its rows by key in every table it reads or writes (a point read, a
     * point write), in the session's state now, which waits for nothing and was not measured slow.
     */
    private boolean runsAtOnce(PreparedQuery q) throws SQLException {
        return q.namesRowsByKey() && !failedTransaction && !atOnceStatements.slow(q.h2Sql)
                && session.runsAtOnce(q.analysis);
    }

    /** A statement run at once would have to wait: the message goes to the worker, untouched. */
    private static final class RunOnWorker extends RuntimeException {
        RunOnWorker() {
            super(null, null, false, false);
        }
    }

    /** Handles one message; returns normally unless the client went away mid-result. */
    public void handle(FrontendMessage message) throws ClientGoneException {
        try {
            dispatch(message);
        } finally {
            finished(message);
        }
    }

    private void finished(FrontendMessage message) {
        if ((message instanceof FrontendMessage.Query || message instanceof FrontendMessage.Execute)
                && unfinished.decrementAndGet() <= 0) {
            unfinished.set(0);
            cancelPending = false; // a cancel for statements that have all ended: PostgreSQL ignores it
        }
    }

    private void dispatch(FrontendMessage message) throws ClientGoneException {
        if (copyIn != null) {
            copyIn(message);
            return;
        }
        if (message instanceof FrontendMessage.CopyData || message instanceof FrontendMessage.CopyDone
                || message instanceof FrontendMessage.CopyFail) {
            return; // outside copy-in mode PostgreSQL ignores them too
        }
        if (discarding && !(message instanceof FrontendMessage.Sync
                || message instanceof FrontendMessage.Malformed m && m.type() == 'S')) {
            return;
        }
        try {
            if (message instanceof FrontendMessage.Malformed m) {
                malformed(m);
            } else if (message instanceof FrontendMessage.Query q) {
                endPipelineTransaction(false); // a simple Query ends the pipeline's transaction, as in PostgreSQL
                simpleQuery(q.sql());
            } else if (message instanceof FrontendMessage.Parse p) {
                parse(p);
            } else if (message instanceof FrontendMessage.Bind b) {
                bind(b);
            } else if (message instanceof FrontendMessage.Describe d) {
                describe(d);
            } else if (message instanceof FrontendMessage.Execute e) {
                execute(e);
            } else if (message instanceof FrontendMessage.Close c) {
                close(c);
            } else if (message instanceof FrontendMessage.Sync) {
                boolean failed = discarding;
                discarding = false;
                endPipelineTransaction(failed);
                readyForQuery();
                out.flush();
            } else if (message instanceof FrontendMessage.Flush) {
                out.flush();
            } else {
                throw new SQLException("unexpected message " + message.getClass().getSimpleName()
                        + " after start-up", "08P01");
            }
        } catch (SQLException e) {
            requeueIfWouldWait(e);
            error(e);
            discarding = true;
        } catch (RuntimeException | StackOverflowError e) {
            if (e instanceof RunOnWorker) {
                throw e;
            }
            error(internal(e));
            discarding = true;
        }
    }

    /** At once, a statement that would have waited is handed, untouched, to the worker. */
    private void requeueIfWouldWait(SQLException e) {
        if (atOnce && e instanceof WouldWait) {
            throw new RunOnWorker();
        }
    }

    /**
     * A message whose frame is intact but whose body is not: an ERROR, as in PostgreSQL, then
     * ReadyForQuery for a Query or a Sync, the discard until Sync for the extended protocol.
     */
    private void malformed(FrontendMessage.Malformed m) {
        BackendMessages.error(out.buf(), m.sqlState(), m.message());
        if (m.type() == 'Q' || m.type() == 'S') {
            endPipelineTransaction(true);
            discarding = false;
            readyForQuery();
            out.flush();
        } else {
            discarding = true;
        }
    }

    /**
     * What failed inside our code or a library's on a statement's path, as an ERROR of that
     * statement: the session goes on. A stack overflow is what PostgreSQL calls 54001; anything else
     * is logged at DEBUG only, so a hostile client cannot fill the log.
     */
    static SQLException internal(Throwable e) {
        if (e instanceof StackOverflowError) {
            return new SQLException("stack depth limit exceeded", "54001");
        }
        LOG.debug("Internal error on a statement's path", e);
        return new SQLException("internal error: " + e, "XX000", e);
    }

    private void checkLength(String sql) throws SQLException {
        if (sql.length() > maxStatementLength) {
            throw new SQLException("statement too long: " + sql.length() + " characters, more than the maximum of "
                    + maxStatementLength + " (maxStatementLength)", "54000");
        }
    }

    /** Cancels the statement running now, if any (CancelRequest, from another connection's thread). */
    public void cancel() {
        cancelRequested = true;
        if (unfinished.get() > 0) {
            cancelPending = true; // for a statement not on its node yet: it fails as it starts
        }
        session.cancel();
        running.cancel();
    }

    private void simpleQuery(String sql) throws ClientGoneException {
        closePortal("");
        prepared.remove("");
        PreparedQuery first = judged;
        judged = null;
        List<String> parts;
        try {
            checkLength(sql);
            parts = first != null ? List.of(first.sql) : SqlSplitter.split(sql);
        } catch (SQLException | RuntimeException | StackOverflowError e) {
            error(e instanceof SQLException s ? s : internal(e));
            readyForQuery();
            out.flush();
            return;
        }
        if (parts.isEmpty()) {
            BackendMessages.emptyQueryResponse(out.buf());
        }
        boolean implicit = implicitTransaction(parts);
        boolean failed = false;
        for (String part : parts) {
            try {
                PreparedQuery q = first != null ? first : PreparedQuery.simple(session, part, rewriter);
                if (q.parameterCount() > 0) {
                    throw new SQLException("there is no parameter $1", "42P02");
                }
                if (q.copy != null) {
                    if (startCopy(q, parts.size() > 1)) {
                        out.flush();
                        return; // CopyData follows; ReadyForQuery after CopyDone
                    }
                    continue;
                }
                try (Result r = run(q, NO_PARAMETERS)) {
                    if (r.hasRows()) {
                        r.columns.writeDescription(out.buf(), null);
                        sendRows(r, null, 0);
                        BackendMessages.commandComplete(out.buf(), rowsTag(q, r.sent));
                    } else {
                        BackendMessages.commandComplete(out.buf(), r.tag);
                    }
                }
            } catch (SQLException e) {
                requeueIfWouldWait(e);
                error(e);
                failed = true;
                break;
            } catch (RuntimeException | StackOverflowError e) {
                error(internal(e));
                failed = true;
                break;
            }
        }
        if (implicit) {
            endImplicitTransaction(failed);
        }
        readyForQuery();
        out.flush();
    }

    /**
     * As in PostgreSQL, several statements in one simple Query run as one transaction, unless they
     * hold transaction control of their own or a transaction block is already open.
     */
    private boolean implicitTransaction(List<String> parts) throws ClientGoneException {
        if (parts.size() < 2 || !session.effectiveAutoCommit()) {
            return false;
        }
        try {
            for (String part : parts) {
                if (session.analyze(part).kind() == StatementKind.TRANSACTION_CONTROL) {
                    return false;
                }
            }
            session.begin(null, null);
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private void endImplicitTransaction(boolean failed) {
        failedTransaction = false;
        try {
            if (failed) {
                session.rollback();
            } else {
                session.commit();
                reportToken();
            }
        } catch (SQLException e) {
            error(e);
        }
    }

    private void parse(FrontendMessage.Parse p) throws SQLException {
        checkLength(p.sql());
        if (!p.name().isEmpty() && prepared.containsKey(p.name())) {
            throw new SQLException("prepared statement \"" + p.name() + "\" already exists", "42P05");
        }
        if (SqlSplitter.split(p.sql()).size() > 1) {
            throw new SQLException("cannot insert multiple commands into a prepared statement", "42601");
        }
        PreparedQuery q = PreparedQuery.of(session, p.sql(), p.parameterTypes(), rewriter);
        if (q.parameterCount() > MAX_PARAMETERS) {
            // No Bind could run it, and describing it would size arrays by its highest $n (a 17-byte
            // "select $100000000" asked for gigabytes of the proxy's heap).
            throw new SQLException("statement has " + q.parameterCount() + " parameters, more than the "
                    + MAX_PARAMETERS + " a Bind message can supply", "54000");
        }
        prepared.put(p.name(), q);
        BackendMessages.parseComplete(out.buf());
    }

    private PreparedQuery statement(String name) throws SQLException {
        PreparedQuery q = prepared.get(name);
        if (q == null) {
            throw new SQLException(name.isEmpty() ? "unnamed prepared statement does not exist"
                    : "prepared statement \"" + name + "\" does not exist", "26000");
        }
        return q;
    }

    private Portal portal(String name) throws SQLException {
        Portal p = portals.get(name);
        if (p == null) {
            throw new SQLException(name.isEmpty() ? "unnamed portal does not exist"
                    : "portal \"" + name + "\" does not exist", "34000");
        }
        return p;
    }

    private void bind(FrontendMessage.Bind b) throws SQLException {
        PreparedQuery q = statement(b.statement());
        int n = q.parameterCount();
        if (b.values().size() != n) {
            throw new SQLException("bind message supplies " + b.values().size() + " parameters, but prepared statement \""
                    + b.statement() + "\" requires " + n, "08P01");
        }
        short[] formats = b.parameterFormats();
        if (formats.length > 1 && formats.length != n) {
            throw new SQLException("bind message has " + formats.length + " parameter formats but " + n
                    + " parameters", "08P01");
        }
        Object[] values = new Object[n];
        for (int i = 0; i < n; i++) {
            boolean binary = formats.length != 0 && (formats.length == 1 ? formats[0] : formats[i]) == 1;
            int type = q.declaredType(i);
            if (type == 0 && !postgres) {
                // As PostgreSQL, a parameter of unspecified type is read as the type the statement gives it.
                type = inferred.of(session, q)[i];
            } else if (type == 0 && q.parameterTypes != null) {
                type = q.parameterTypes[i];
            }
            values[i] = NodeParameters.decode(b.values().get(i), type, binary, postgres, settings.zone());
        }
        if (b.portal().isEmpty()) {
            closePortal("");
        } else if (portals.containsKey(b.portal())) {
            throw new SQLException("portal \"" + b.portal() + "\" already exists", "42P03");
        }
        portals.put(b.portal(), new Portal(q, values, b.resultFormats()));
        BackendMessages.bindComplete(out.buf());
    }

    private void describe(FrontendMessage.Describe d) throws SQLException {
        if (d.target() == 'S') {
            PreparedQuery q = statement(d.name());
            StatementDescriber.describe(session, settings, q);
            BackendMessages.parameterDescription(out.buf(), q.parameterTypes);
            if (q.columns != null) {
                q.columns.writeDescription(out.buf(), null);
            } else {
                BackendMessages.noData(out.buf());
            }
            return;
        }
        Portal p = portal(d.name());
        if (p.result == null && mayReturnRows(p.query)) {
            // Run it now to learn its columns from the result itself; Execute then streams it.
            p.result = run(p.query, p.parameters);
            p.resultAtOnce = atOnce;
        }
        if (p.result != null && p.result.hasRows()) {
            p.result.columns.checkFormats(p.resultFormats);
            p.result.columns.writeDescription(out.buf(), p.resultFormats);
        } else {
            BackendMessages.noData(out.buf());
        }
    }

    private static boolean mayReturnRows(PreparedQuery q) {
        if (q.empty) {
            return false;
        }
        if (q.setting) {
            return q.lock != null || CommandTags.words(q.sql, 1)[0].equals("SHOW");
        }
        StatementKind kind = q.analysis.kind();
        return kind == StatementKind.QUERY || kind == StatementKind.OTHER || kind == StatementKind.LATTICE_SESSION
                || kind == StatementKind.LATTICE_ADMIN;
    }

    private void execute(FrontendMessage.Execute e) throws SQLException, ClientGoneException {
        Portal p = portal(e.portal());
        if (p.query.empty) {
            BackendMessages.emptyQueryResponse(out.buf());
            return;
        }
        if (pipelineTransaction && p.query.analysis != null
                && p.query.analysis.kind() == StatementKind.TRANSACTION_CONTROL) {
            // BEGIN makes the pipeline's transaction a block of the client's; COMMIT, ROLLBACK end it
            pipelineTransaction = false;
        } else if (beginsPipelineTransaction(e, p)) {
            session.begin(null, null);
            pipelineTransaction = true;
        }
        if (p.result == null) {
            p.result = run(p.query, p.parameters);
            p.resultAtOnce = atOnce;
        }
        Result r = p.result;
        if (!r.hasRows()) {
            BackendMessages.commandComplete(out.buf(), r.tag);
            return;
        }
        if (sendRows(r, p.resultFormats, e.maxRows())) {
            String tag = rowsTag(p.query, r.sent);
            BackendMessages.commandComplete(out.buf(), tag);
            r.close();
            // run to completion: executed again, it returns no more rows, as PostgreSQL's "SELECT 0"
            p.result = Result.done(rowsTag(p.query, 0));
        } else {
            BackendMessages.portalSuspended(out.buf());
        }
    }

    /** A write outside a transaction block that may not be alone in its pipeline: it opens the pipeline's transaction. */
    private boolean beginsPipelineTransaction(FrontendMessage.Execute e, Portal p) {
        return !e.syncFollows() && !pipelineTransaction && !failedTransaction && p.result == null
                && p.query.analysis != null && p.query.parts == null && !p.query.setting
                && p.query.analysis.kind() == StatementKind.DML && session.effectiveAutoCommit();
    }

    /** At the pipeline's Sync (or a simple Query): its transaction commits, or rolls back after an error. */
    private void endPipelineTransaction(boolean failed) {
        if (pipelineTransaction) {
            pipelineTransaction = false;
            endImplicitTransaction(failed || failedTransaction);
        }
    }

    private void close(FrontendMessage.Close c) {
        if (c.target() == 'S') {
            prepared.remove(c.name());
        } else {
            closePortal(c.name());
        }
        BackendMessages.closeComplete(out.buf());
    }

    private void closePortal(String name) {
        Portal p = portals.remove(name);
        if (p != null) {
            p.close();
        }
    }

    /** Runs one statement through the engine (or answers a setting), leaving its rows unread. */
    private Result run(PreparedQuery q, Object[] parameters) throws SQLException {
        if (q.parts != null) {
            return runParts(q);
        }
        if (q.setting && q.tag != null) {
            return Result.done(q.tag);
        }
        if (q.lock != null) {
            if (failedTransaction) {
                throw new SQLException("current transaction is aborted, commands ignored until end of transaction block",
                        "25P02");
            }
            cancelRequested = false;
            advisoryLocking = true;
            return Result.rows(q.lock.run(advisoryLocks, this, () -> cancelRequested), null, -1, null, null);
        }
        if (q.setting) {
            PgSettings.Outcome o = settings.execute(q.sql);
            if (o.reportName() != null) {
                BackendMessages.parameterStatus(out.buf(), o.reportName(), o.reportValue());
            }
            return o.rows() != null ? Result.rows(o.rows(), null, -1, null, null) : Result.done(o.tag());
        }
        if (q.copy != null) {
            throw new SQLException("COPY FROM STDIN / TO STDOUT through the Lattice proxy works in the simple query"
                    + " protocol only", "0A000");
        }
        StatementAnalysis a = q.analysis;
        boolean endsTransaction = a.command() instanceof SqlCommit || a.command() instanceof SqlRollback;
        if (failedTransaction) {
            if (a.command() instanceof SqlCommit) {
                session.rollback();
                failedTransaction = false;
                return Result.done("ROLLBACK");
            }
            if (!endsTransaction) {
                throw new SQLException("current transaction is aborted, commands ignored until end of transaction block",
                        "25P02");
            }
        }
        try {
            Result r;
            try {
                r = switch (a.kind()) {
                    case QUERY, DML, DDL, OTHER -> onNode(q, parameters);
                    default -> command(q);
                };
            } catch (RuntimeException | StackOverflowError e) {
                throw internal(e);
            }
            if (endsTransaction) {
                failedTransaction = false;
            }
            afterStatement(a);
            return r;
        } catch (SQLException e) {
            if (!session.effectiveAutoCommit()) {
                failedTransaction = true;
            }
            notices(session.warnings());
            session.clearWarnings();
            throw e;
        }
    }

    /** A statement that is several H2 statements (TRUNCATE of several tables): all of them, or none. */
    private Result runParts(PreparedQuery q) throws SQLException {
        boolean own = session.effectiveAutoCommit() && !failedTransaction;
        if (own) {
            session.begin(null, null);
        }
        try {
            for (PreparedQuery part : q.parts) {
                run(part, NO_PARAMETERS).close();
            }
        } catch (SQLException e) {
            if (own) {
                failedTransaction = false;
                session.rollback();
            }
            throw e;
        }
        if (own) {
            session.commit();
            reportToken();
        }
        return Result.done(q.tag);
    }

    private Result onNode(PreparedQuery q, Object[] parameters) throws SQLException {
        StatementAnalysis a = q.analysis;
        boolean cacheable = a.kind() == StatementKind.QUERY || a.kind() == StatementKind.DML;
        if (atOnce) {
            long start = System.nanoTime();
            Result r;
            try {
                r = session.executeNow(a, q.sql, null, work(q, parameters, cacheable));
            } catch (WouldWait e) {
                atOnceStatements.handBack();
                throw e;
            }
            atOnceStatements.ran(q.h2Sql, System.nanoTime() - start);
            return r;
        }
        return session.execute(a, q.sql, work(q, parameters, cacheable));
    }

    /** The statement's run on a node: prepared (or taken from the cache), bound, executed; its rows left unread. */
    private NodeWork<Result> work(PreparedQuery q, Object[] parameters, boolean cacheable) {
        StatementAnalysis a = q.analysis;
        return (node, index) -> {
            PreparedStatement ps = cacheable ? statements.take(index, node, q.h2Sql) : node.prepareStatement(q.h2Sql);
            boolean handedOver = false;
            try {
                for (int i = 0; i < q.markerParameters.length; i++) {
                    NodeParameters.set(ps, i + 1, parameters[q.markerParameters[i]]);
                }
                if (q.literalValues != null) {
                    for (int i = 0; i < q.literalValues.length; i++) {
                        NodeParameters.set(ps, i + 1, q.literalValues[i]);
                    }
                }
                running.start(ps);
                if (cancelPending) {
                    throw new SQLException("canceling statement due to user request", "57014");
                }
                if (ps.execute()) {
                    Result r = Result.rows(ps.getResultSet(), ps, index, q.h2Sql, cacheable ? statements : null);
                    handedOver = true;
                    return r;
                }
                long count = ps.getLargeUpdateCount();
                return Result.done(q.tag != null ? q.tag : CommandTags.of(a, q.sql, count));
            } finally {
                running.end();
                cancelPending = false; // this statement took the cancel, or ended before it came
                if (!handedOver) {
                    if (cacheable) {
                        statements.give(index, q.h2Sql, ps);
                    } else {
                        NodeStatements.quietly(ps);
                    }
                }
            }
        };
    }

    private Result command(PreparedQuery q) throws SQLException {
        CommandResult result = Commands.execute(session, q.analysis, q.sql);
        notices(result.warning());
        if (result.resultSet() != null) {
            return Result.rows(result.resultSet(), null, -1, null, null);
        }
        return Result.done(CommandTags.of(q.analysis, q.sql, result.updateCount()));
    }

    private void afterStatement(StatementAnalysis a) {
        SQLWarning w = session.warnings();
        if (w != null) {
            notices(w);
            session.clearWarnings();
        }
        if (a.kind() != StatementKind.QUERY) {
            reportToken();
        }
        if (a.kind() == StatementKind.DDL || a.kind() == StatementKind.OTHER && a.mayChangeSchema()) {
            inferred.forget();
        }
        if (postgres && a.kind() == StatementKind.SESSION_SETTING) {
            try {
                serverSettings.report(out.buf(), session);
            } catch (SQLException e) {
                // reported with the next setting
            }
        }
    }

    /** ParameterStatus lattice_token whenever the session's causal token moved (after commits). */
    private void reportToken() {
        try {
            long t = session.token();
            if (t != reportedToken) {
                reportedToken = t;
                BackendMessages.parameterStatus(out.buf(), "lattice_token", session.consistency().token());
            }
        } catch (SQLException e) {
            // the token could not be bounded now (its node is gone); it is reported after the next commit
        }
    }

    private void notices(SQLWarning w) {
        for (SQLWarning each = w; each != null; each = each.getNextWarning()) {
            BackendMessages.notice(out.buf(), each.getSQLState() == null ? "01000" : each.getSQLState(),
                    each.getMessage());
        }
    }

    /** Sends up to maxRows rows (0: all); true when the result is exhausted. */
    private boolean sendRows(Result r, short[] formats, int maxRows) throws SQLException, ClientGoneException {
        ResultSet rs = r.rows;
        Columns columns = r.columns;
        int n = columns.size();
        ZoneId zone = settings.zone();
        int count = 0;
        columns.checkFormats(formats);
        while (maxRows <= 0 || count < maxRows) {
            if (!rs.next()) {
                r.exhausted = true;
                return true;
            }
            ByteBuf buf = out.buf();
            int at = BackendMessages.begin(buf, 'D');
            try {
                buf.writeShort(n);
                for (int i = 0; i < n; i++) {
                    columns.write(buf, rs, i, formats, zone);
                }
            } catch (SQLException | RuntimeException e) {
                buf.writerIndex(at - 1);
                throw e instanceof SQLException s ? s : new SQLException(e.getMessage(), "XX000", e);
            }
            BackendMessages.end(buf, at);
            r.sent++;
            count++;
            out.pushIfLarge();
        }
        return false;
    }

    private static String rowsTag(PreparedQuery q, long rows) {
        return q.rowsTag(rows);
    }

    private void error(SQLException e) {
        ServerErrors.write(out.buf(), e);
    }

    /**
     * COPY in a simple query (through pgjdbc in front of PostgreSQL, through the engine over H2):
     * TO STDOUT sends its rows now; FROM STDIN answers CopyInResponse and returns true, the data
     * then arriving in CopyData messages.
     */
    private boolean startCopy(PreparedQuery q, boolean amongOthers) throws SQLException, ClientGoneException {
        if (failedTransaction) {
            throw new SQLException("current transaction is aborted, commands ignored until end of transaction block",
                    "25P02");
        }
        CopyStatement h2Copy = postgres ? null : CopyStatement.parse(q.sql);
        if (q.copy == CopyRelay.Direction.OUT) {
            String tag = postgres ? CopyRelay.out(session, q.analysis, q.sql, out) // flushes as it streams
                    : H2CopyOut.run(session, h2Copy, out, settings.zone());
            BackendMessages.commandComplete(out.buf(), tag);
            return false;
        }
        if (amongOthers) {
            throw new SQLException("COPY FROM STDIN must be the only statement of its query", "0A000");
        }
        try {
            copyIn = postgres ? CopyRelay.beginIn(session, q.analysis, q.sql, out.buf())
                    : H2CopyIn.begin(session, h2Copy, out.buf(), settings.zone());
            return true;
        } catch (SQLException e) {
            failedTransaction = !session.effectiveAutoCommit();
            throw e;
        }
    }

    /**
     * A message in copy-in mode, always consumed: CopyData, CopyDone and CopyFail as the COPY's;
     * any other message (but Sync and Flush, ignored) fails the COPY with 08P01 and, as in
     * PostgreSQL, is not run.
     */
    private void copyIn(FrontendMessage message) {
        try {
            if (message instanceof FrontendMessage.CopyData d) {
                copyIn.data(d.data());
                return;
            }
            if (message instanceof FrontendMessage.Sync || message instanceof FrontendMessage.Flush) {
                return; // ignored in copy-in mode, as PostgreSQL does
            }
            if (message instanceof FrontendMessage.CopyDone) {
                String tag = copyIn.done();
                copyIn = null;
                BackendMessages.commandComplete(out.buf(), tag);
                reportToken();
            } else {
                endCopyIn();
                throw new SQLException(message instanceof FrontendMessage.CopyFail f
                        ? "COPY from stdin failed: " + f.message()
                        : "unexpected message type during COPY from stdin", message instanceof FrontendMessage.CopyFail
                        ? "57014" : "08P01");
            }
        } catch (SQLException | RuntimeException | StackOverflowError e) {
            endCopyIn();
            failedTransaction = !session.effectiveAutoCommit();
            error(e instanceof SQLException s ? s : internal(e));
        }
        readyForQuery();
        out.flush();
    }

    /** Ends a COPY FROM STDIN that failed: nothing of it stays (all of it, in the COPY's own transaction). */
    private void endCopyIn() {
        if (copyIn != null) {
            CopyIn failed = copyIn;
            copyIn = null;
            failed.fail();
        }
    }

    private void readyForQuery() {
        char status = failedTransaction ? 'E' : session.effectiveAutoCommit() ? 'I' : 'T';
        if (status == 'I' && advisoryLocking) {
            advisoryLocks.transactionEnded(this); // pg_advisory_xact_lock's locks end with their transaction
        }
        if (status == 'I' && !portals.isEmpty()) {
            // As PostgreSQL: portals end with their transaction, so none holds its result past it
            closeAllPortals();
        }
        BackendMessages.readyForQuery(out.buf(), status);
    }

    private void closeAllPortals() {
        for (Portal p : portals.values()) {
            p.close();
        }
        portals.clear();
    }

    /** Rolls back what is open and releases every statement, portal and node connection. */
    @Override
    public void close() {
        closeAllPortals();
        prepared.clear();
        statements.close();
        session.close();
        advisoryLocks.releaseAll(this);
        out.discard();
    }
}
