package dev.lattice.jdbc;

import dev.lattice.routing.CommandResult;
import dev.lattice.routing.Commands;
import dev.lattice.routing.RunningStatement;
import dev.lattice.sql.analysis.LiteralParameters;
import dev.lattice.sql.analysis.StatementAnalysis;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code java.sql.Statement}: each SQL string is analysed (once, cached), routed by the
 * session, and run with an H2 statement of the chosen node, created on first use of that node.
 */
public class LatticeStatement implements Statement {

    static final int EXECUTE = 0, QUERY = 1, UPDATE = 2;

    final LatticeConnection connection;
    final StatementOptions options;
    private final Statement[] perNode;
    private final BoundLiterals bound;
    private final List<String> batch = new ArrayList<>();

    Statement current;
    /** The node statement executing now, which {@link #cancel} stops. */
    final RunningStatement running = new RunningStatement();
    private ResultSet commandResult;
    private long commandUpdateCount = -1;
    private SQLWarning commandWarning;
    private boolean closed;
    private int maxRows;
    private long largeMaxRows;
    private int fetchSize;
    private int queryTimeout;
    private int maxFieldSize;
    private int fetchDirection = ResultSet.FETCH_FORWARD;
    private boolean escapeProcessing = true;
    private boolean poolable;
    private boolean closeOnCompletion;

    LatticeStatement(LatticeConnection connection, StatementOptions options) {
        this.connection = connection;
        this.options = options;
        this.perNode = new Statement[connection.cluster().replicas().size() + 1];
        this.bound = new BoundLiterals(perNode.length);
    }

    /** The H2 statement for this node, created with this statement's settings on first use. */
    Statement on(int nodeIndex, Connection node) throws SQLException {
        Statement s = perNode[nodeIndex];
        if (s != null && s.getConnection() != node) {
            closeQuietly(s); // made on a connection the session has since replaced (it broke, or the primary moved)
            s = null;
        }
        if (s == null) {
            s = node.createStatement(options.resultSetType(), options.concurrency(), options.holdability());
            configure(s);
            perNode[nodeIndex] = s;
        }
        return s;
    }

    static void closeQuietly(Statement s) {
        try {
            s.close();
        } catch (SQLException ignored) {
            // its connection is gone
        }
    }

    final void configure(Statement s) throws SQLException {
        if (largeMaxRows <= Integer.MAX_VALUE) {
            s.setMaxRows((int) largeMaxRows); // pgjdbc has no setLargeMaxRows
        } else {
            s.setLargeMaxRows(largeMaxRows);
        }
        s.setFetchSize(fetchSize);
        s.setQueryTimeout(queryTimeout);
        s.setMaxFieldSize(maxFieldSize);
        s.setEscapeProcessing(escapeProcessing);
    }

    /** Applies a setting change to every H2 statement already created. */
    final void reconfigure() throws SQLException {
        for (Statement s : perNode) {
            if (s != null) {
                configure(s);
            }
        }
        bound.reconfigure(this);
        reconfigureNodes();
    }

    /** Subclasses that keep H2 statements of their own apply setting changes to them too. */
    void reconfigureNodes() throws SQLException {
    }

    private Object run(String sql, int mode, int autoKeys, int[] keyIndexes, String[] keyNames) throws SQLException {
        checkOpen();
        clearResults();
        running.begin();
        try {
            return routeAndRun(sql, mode, autoKeys, keyIndexes, keyNames);
        } finally {
            running.finish();
        }
    }

    private Object routeAndRun(String sql, int mode, int autoKeys, int[] keyIndexes, String[] keyNames) throws SQLException {
        StatementAnalysis analysis = connection.analyze(sql);
        switch (analysis.kind()) {
            case QUERY, DML, DDL, OTHER -> {
                LiteralParameters literals = keyIndexes == null && keyNames == null && autoKeys == NO_GENERATED_KEYS
                        && escapeProcessing && !connection.cluster().config().postgres()
                        ? analysis.literalParameters() : null;
                return connection.session().execute(analysis, sql, (node, index) -> {
                    PreparedStatement shape = literals == null ? null : bound.on(index, node, literals, this);
                    Statement s = shape != null ? shape : on(index, node);
                    becomeCurrent(s);
                    running.start(s);
                    try {
                        if (shape != null) {
                            return switch (mode) {
                                case QUERY -> shape.executeQuery();
                                case UPDATE -> shape.executeLargeUpdate();
                                default -> shape.execute();
                            };
                        }
                        return switch (mode) {
                            case QUERY -> s.executeQuery(sql);
                            case UPDATE -> keyNames != null ? s.executeLargeUpdate(sql, keyNames)
                                    : keyIndexes != null ? s.executeLargeUpdate(sql, keyIndexes)
                                    : s.executeLargeUpdate(sql, autoKeys);
                            default -> keyNames != null ? s.execute(sql, keyNames)
                                    : keyIndexes != null ? s.execute(sql, keyIndexes)
                                    : s.execute(sql, autoKeys);
                        };
                    } finally {
                        running.end();
                    }
                });
            }
            default -> {
                return commandOutcome(Commands.execute(connection.session(), analysis, sql), mode);
            }
        }
    }

    /**
     * Makes s the statement whose results this one answers with. Executing closes the results of the
     * one before, as it would if both were one statement (they differ when the node or the way the
     * text runs does).
     */
    private void becomeCurrent(Statement s) {
        Statement before = current;
        current = s;
        if (before != null && before != s) {
            try {
                ResultSet open = before.getResultSet();
                if (open != null) {
                    open.close();
                }
            } catch (SQLException ignored) {
                // its connection is gone, and the result with it
            }
        }
    }

    /** Records a Lattice command's result and answers as the JDBC method called must. */
    final Object commandOutcome(CommandResult result, int mode) throws SQLException {
        current = null;
        commandResult = result.resultSet();
        commandUpdateCount = commandResult == null ? result.updateCount() : -1;
        commandWarning = result.warning();
        if (mode == QUERY) {
            if (commandResult == null) {
                throw new SQLException("The statement returns no result set", "02000");
            }
            return commandResult;
        }
        if (mode == UPDATE) {
            if (commandResult != null) {
                throw new SQLException("The statement returns a result set: use executeQuery", "07000");
            }
            return commandUpdateCount;
        }
        return commandResult != null;
    }

    final void clearResults() throws SQLException {
        if (commandResult != null) {
            commandResult.close();
            commandResult = null;
        }
        commandUpdateCount = -1;
        commandWarning = null;
    }

    @Override
    public ResultSet executeQuery(String sql) throws SQLException {
        return (ResultSet) run(sql, QUERY, NO_GENERATED_KEYS, null, null);
    }

    @Override
    public int executeUpdate(String sql) throws SQLException {
        return toInt(executeLargeUpdate(sql));
    }

    @Override
    public long executeLargeUpdate(String sql) throws SQLException {
        return (Long) run(sql, UPDATE, NO_GENERATED_KEYS, null, null);
    }

    @Override
    public int executeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
        return toInt(executeLargeUpdate(sql, autoGeneratedKeys));
    }

    @Override
    public long executeLargeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
        return (Long) run(sql, UPDATE, autoGeneratedKeys, null, null);
    }

    @Override
    public int executeUpdate(String sql, int[] columnIndexes) throws SQLException {
        return toInt(executeLargeUpdate(sql, columnIndexes));
    }

    @Override
    public long executeLargeUpdate(String sql, int[] columnIndexes) throws SQLException {
        return (Long) run(sql, UPDATE, RETURN_GENERATED_KEYS, columnIndexes, null);
    }

    @Override
    public int executeUpdate(String sql, String[] columnNames) throws SQLException {
        return toInt(executeLargeUpdate(sql, columnNames));
    }

    @Override
    public long executeLargeUpdate(String sql, String[] columnNames) throws SQLException {
        return (Long) run(sql, UPDATE, RETURN_GENERATED_KEYS, null, columnNames);
    }

    @Override
    public boolean execute(String sql) throws SQLException {
        return (Boolean) run(sql, EXECUTE, NO_GENERATED_KEYS, null, null);
    }

    @Override
    public boolean execute(String sql, int autoGeneratedKeys) throws SQLException {
        return (Boolean) run(sql, EXECUTE, autoGeneratedKeys, null, null);
    }

    @Override
    public boolean execute(String sql, int[] columnIndexes) throws SQLException {
        return (Boolean) run(sql, EXECUTE, RETURN_GENERATED_KEYS, columnIndexes, null);
    }

    @Override
    public boolean execute(String sql, String[] columnNames) throws SQLException {
        return (Boolean) run(sql, EXECUTE, RETURN_GENERATED_KEYS, null, columnNames);
    }

    static int toInt(long count) {
        return count > Integer.MAX_VALUE ? SUCCESS_NO_INFO : (int) count;
    }

    @Override
    public void addBatch(String sql) throws SQLException {
        checkOpen();
        batch.add(sql);
    }

    @Override
    public void clearBatch() throws SQLException {
        checkOpen();
        batch.clear();
    }

    @Override
    public int[] executeBatch() throws SQLException {
        long[] counts = executeLargeBatch();
        int[] out = new int[counts.length];
        for (int i = 0; i < counts.length; i++) {
            out[i] = toInt(counts[i]);
        }
        return out;
    }

    /** Runs each statement in turn, as H2 does: after a failure the rest still run. */
    @Override
    public long[] executeLargeBatch() throws SQLException {
        checkOpen();
        List<String> work = List.copyOf(batch);
        batch.clear();
        long[] counts = new long[work.size()];
        SQLException first = null;
        for (int i = 0; i < counts.length; i++) {
            try {
                counts[i] = (Long) run(work.get(i), UPDATE, NO_GENERATED_KEYS, null, null);
            } catch (SQLException e) {
                counts[i] = EXECUTE_FAILED;
                if (first == null) {
                    first = e;
                } else {
                    first.setNextException(e);
                }
            }
        }
        if (first != null) {
            throw new BatchUpdateException(first.getMessage(), first.getSQLState(), first.getErrorCode(), counts, first);
        }
        return counts;
    }

    @Override
    public ResultSet getResultSet() throws SQLException {
        checkOpen();
        if (commandResult != null) {
            return commandResult;
        }
        return current == null ? null : current.getResultSet();
    }

    @Override
    public int getUpdateCount() throws SQLException {
        return toInt(getLargeUpdateCount());
    }

    @Override
    public long getLargeUpdateCount() throws SQLException {
        checkOpen();
        if (current == null) {
            return commandUpdateCount;
        }
        return current.getLargeUpdateCount();
    }

    @Override
    public boolean getMoreResults() throws SQLException {
        return getMoreResults(CLOSE_CURRENT_RESULT);
    }

    @Override
    public boolean getMoreResults(int current) throws SQLException {
        checkOpen();
        if (this.current != null) {
            return this.current.getMoreResults(current);
        }
        clearResults();
        return false;
    }

    @Override
    public ResultSet getGeneratedKeys() throws SQLException {
        checkOpen();
        if (current == null) {
            throw new SQLException("No statement has generated keys", "HY000");
        }
        return current.getGeneratedKeys();
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        checkOpen();
        return Warnings.chain(commandWarning, current == null ? null : current.getWarnings());
    }

    @Override
    public void clearWarnings() throws SQLException {
        checkOpen();
        commandWarning = null;
        for (Statement s : perNode) {
            if (s != null) {
                s.clearWarnings();
            }
        }
    }

    @Override
    public void cancel() throws SQLException {
        connection.session().cancel();
        running.cancel();
    }

    @Override
    public void close() throws SQLException {
        if (closed) {
            return;
        }
        closed = true;
        clearResults();
        SQLException failure = closeAll(perNode);
        SQLException boundFailure = bound.close();
        failure = failure == null ? boundFailure : failure;
        current = null;
        if (failure != null) {
            throw failure;
        }
    }

    /** Closes each node statement there is and empties its place; the first failure, or null. */
    static SQLException closeAll(Statement[] perNode) {
        SQLException failure = null;
        for (int i = 0; i < perNode.length; i++) {
            if (perNode[i] != null) {
                try {
                    perNode[i].close();
                } catch (SQLException e) {
                    failure = failure == null ? e : failure;
                }
                perNode[i] = null;
            }
        }
        return failure;
    }

    @Override
    public boolean isClosed() {
        return closed || connection.isClosed();
    }

    final void checkOpen() throws SQLException {
        if (isClosed()) {
            throw new SQLException("The statement is closed", "HY010");
        }
    }

    @Override
    public int getMaxFieldSize() throws SQLException {
        checkOpen();
        return maxFieldSize;
    }

    @Override
    public void setMaxFieldSize(int max) throws SQLException {
        checkOpen();
        if (max < 0) {
            throw new SQLException("max field size must not be negative", "HY024");
        }
        maxFieldSize = max;
        reconfigure();
    }

    @Override
    public int getMaxRows() throws SQLException {
        checkOpen();
        return largeMaxRows > 0 ? toInt(largeMaxRows) : maxRows;
    }

    @Override
    public void setMaxRows(int max) throws SQLException {
        setLargeMaxRows(max);
    }

    @Override
    public long getLargeMaxRows() throws SQLException {
        checkOpen();
        return largeMaxRows > 0 ? largeMaxRows : maxRows;
    }

    @Override
    public void setLargeMaxRows(long max) throws SQLException {
        checkOpen();
        if (max < 0) {
            throw new SQLException("max rows must not be negative", "HY024");
        }
        largeMaxRows = max;
        maxRows = toInt(max);
        reconfigure();
    }

    @Override
    public void setEscapeProcessing(boolean enable) throws SQLException {
        checkOpen();
        escapeProcessing = enable;
        reconfigure();
    }

    @Override
    public int getQueryTimeout() throws SQLException {
        checkOpen();
        return queryTimeout;
    }

    @Override
    public void setQueryTimeout(int seconds) throws SQLException {
        checkOpen();
        if (seconds < 0) {
            throw new SQLException("query timeout must not be negative", "HY024");
        }
        queryTimeout = seconds;
        reconfigure();
    }

    @Override
    public void setCursorName(String name) throws SQLException {
        checkOpen();
    }

    @Override
    public void setFetchDirection(int direction) throws SQLException {
        checkOpen();
        if (direction != ResultSet.FETCH_FORWARD && direction != ResultSet.FETCH_REVERSE
                && direction != ResultSet.FETCH_UNKNOWN) {
            throw new SQLException("Invalid fetch direction " + direction, "HY024");
        }
        fetchDirection = direction;
    }

    @Override
    public int getFetchDirection() throws SQLException {
        checkOpen();
        return fetchDirection;
    }

    @Override
    public void setFetchSize(int rows) throws SQLException {
        checkOpen();
        if (rows < 0) {
            throw new SQLException("fetch size must not be negative", "HY024");
        }
        fetchSize = rows;
        reconfigure();
    }

    @Override
    public int getFetchSize() throws SQLException {
        checkOpen();
        return fetchSize;
    }

    @Override
    public int getResultSetConcurrency() throws SQLException {
        checkOpen();
        return options.concurrency();
    }

    @Override
    public int getResultSetType() throws SQLException {
        checkOpen();
        return options.resultSetType();
    }

    @Override
    public int getResultSetHoldability() throws SQLException {
        checkOpen();
        return options.holdability();
    }

    @Override
    public Connection getConnection() throws SQLException {
        checkOpen();
        return connection;
    }

    @Override
    public void setPoolable(boolean poolable) throws SQLException {
        checkOpen();
        this.poolable = poolable;
    }

    @Override
    public boolean isPoolable() throws SQLException {
        checkOpen();
        return poolable;
    }

    @Override
    public void closeOnCompletion() throws SQLException {
        checkOpen();
        closeOnCompletion = true;
    }

    @Override
    public boolean isCloseOnCompletion() throws SQLException {
        checkOpen();
        return closeOnCompletion;
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("Not a wrapper for " + iface.getName(), "HY000");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }
}
