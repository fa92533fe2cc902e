package dev.lattice.jdbc;

import dev.lattice.cluster.Cluster;
import dev.lattice.routing.Session;
import dev.lattice.routing.SessionConsistency;
import dev.lattice.routing.SessionOptions;
import dev.lattice.sql.consistency.ConsistencySpec;
import dev.lattice.sql.consistency.Fallback;
import dev.lattice.sql.analysis.StatementAnalysis;
import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Struct;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

/**
 * A {@code java.sql.Connection} to a Lattice cluster: a thin face over one engine
 * {@link Session}, which routes every statement.
 */
public final class LatticeConnection implements Connection {

    private final Cluster cluster;
    private final String url;
    private final Properties properties;
    private final Session session;
    private int holdability = ResultSet.HOLD_CURSORS_OVER_COMMIT;
    private Properties clientInfo = new Properties();

    LatticeConnection(Cluster cluster, String url, Properties properties) throws SQLException {
        this.cluster = cluster;
        this.url = url;
        this.properties = properties;
        this.session = new Session(cluster, options(properties));
    }

    /** The session's starting settings from the connection properties, each checked with a message naming it. */
    public static SessionOptions options(Properties properties) throws SQLException {
        ConsistencySpec spec;
        try {
            spec = ConsistencySpec.parse(LatticeProperty.CONSISTENCY.get(properties));
        } catch (IllegalArgumentException e) {
            throw new SQLException("Invalid value for connection property consistency: " + e.getMessage(), "22023", e);
        }
        long timeout = LatticeProperty.CONSISTENCY_TIMEOUT.getLong(properties, 0, SessionConsistency.MAX_TIMEOUT_MILLIS);
        Fallback fallback = Fallback.valueOf(LatticeProperty.CONSISTENCY_FALLBACK.getChoice(properties));
        boolean shared = LatticeProperty.SESSION_SCOPE.getChoice(properties).equals("shared");
        long failureTimeout = LatticeProperty.FAILURE_TIMEOUT.getLong(properties, 1, SessionConsistency.MAX_TIMEOUT_MILLIS);
        return new SessionOptions(spec, timeout, fallback, shared, failureTimeout);
    }

    /**
     * The session's causal token (SPEC §2): hand it to another connection's
     * {@code SET CONSISTENCY TOKEN '...'} so that one reads at least what this one wrote or saw.
     */
    public String consistencyToken() {
        return session.consistency().token();
    }

    /** The engine session behind this connection. */
    public Session session() {
        return session;
    }

    public Cluster cluster() {
        return cluster;
    }

    String url() {
        return url;
    }

    StatementAnalysis analyze(String sql) throws SQLException {
        return session.analyze(sql);
    }

    @Override
    public Statement createStatement() throws SQLException {
        return createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY, holdability);
    }

    @Override
    public Statement createStatement(int resultSetType, int resultSetConcurrency) throws SQLException {
        return createStatement(resultSetType, resultSetConcurrency, holdability);
    }

    @Override
    public Statement createStatement(int resultSetType, int resultSetConcurrency, int resultSetHoldability)
            throws SQLException {
        checkOpen();
        return new LatticeStatement(this, new StatementOptions(resultSetType, resultSetConcurrency,
                resultSetHoldability, Statement.NO_GENERATED_KEYS, null, null));
    }

    @Override
    public PreparedStatement prepareStatement(String sql) throws SQLException {
        return prepare(sql, StatementOptions.DEFAULT);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency)
            throws SQLException {
        return prepare(sql, new StatementOptions(resultSetType, resultSetConcurrency, holdability,
                Statement.NO_GENERATED_KEYS, null, null));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency,
                                              int resultSetHoldability) throws SQLException {
        return prepare(sql, new StatementOptions(resultSetType, resultSetConcurrency, resultSetHoldability,
                Statement.NO_GENERATED_KEYS, null, null));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
        return prepare(sql, StatementOptions.DEFAULT.withGeneratedKeys(autoGeneratedKeys, null, null));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
        return prepare(sql, StatementOptions.DEFAULT.withGeneratedKeys(Statement.RETURN_GENERATED_KEYS,
                columnIndexes, null));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
        return prepare(sql, StatementOptions.DEFAULT.withGeneratedKeys(Statement.RETURN_GENERATED_KEYS,
                null, columnNames));
    }

    private PreparedStatement prepare(String sql, StatementOptions options) throws SQLException {
        checkOpen();
        return new LatticePreparedStatement(this, sql, analyze(sql), options);
    }

    /** Calls run on the primary: a procedure may write anything. */
    @Override
    public CallableStatement prepareCall(String sql) throws SQLException {
        return prepareCall(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY, holdability);
    }

    @Override
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency) throws SQLException {
        return prepareCall(sql, resultSetType, resultSetConcurrency, holdability);
    }

    @Override
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency,
                                         int resultSetHoldability) throws SQLException {
        checkOpen();
        CallableStatement h2 = session.primaryConnection()
                .prepareCall(sql, resultSetType, resultSetConcurrency, resultSetHoldability);
        return CallableStatements.wrap(this, sql, h2);
    }

    @Override
    public String nativeSQL(String sql) throws SQLException {
        checkOpen();
        return sql;
    }

    @Override
    public void setAutoCommit(boolean autoCommit) throws SQLException {
        session.setAutoCommit(autoCommit);
    }

    @Override
    public boolean getAutoCommit() throws SQLException {
        checkOpen();
        return session.autoCommit();
    }

    @Override
    public void commit() throws SQLException {
        requireManualCommit("commit");
        session.commit();
    }

    @Override
    public void rollback() throws SQLException {
        requireManualCommit("rollback");
        session.rollback();
    }

    private void requireManualCommit(String what) throws SQLException {
        checkOpen();
        if (session.autoCommit() && !session.inTransactionBlock()) {
            throw new SQLException("Cannot " + what + " in autocommit mode", "25000");
        }
    }

    @Override
    public void close() {
        session.close();
    }

    @Override
    public boolean isClosed() {
        return session.isClosed();
    }

    @Override
    public DatabaseMetaData getMetaData() throws SQLException {
        checkOpen();
        return MetaData.wrap(this, session.primaryConnection().getMetaData());
    }

    @Override
    public void setReadOnly(boolean readOnly) throws SQLException {
        session.setReadOnly(readOnly);
    }

    @Override
    public boolean isReadOnly() throws SQLException {
        checkOpen();
        return session.readOnly();
    }

    @Override
    public void setCatalog(String catalog) throws SQLException {
        session.primaryConnection().setCatalog(catalog);
    }

    @Override
    public String getCatalog() throws SQLException {
        return session.primaryConnection().getCatalog();
    }

    @Override
    public void setTransactionIsolation(int level) throws SQLException {
        session.setIsolation(level, true);
    }

    @Override
    public int getTransactionIsolation() throws SQLException {
        checkOpen();
        return session.isolation();
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        checkOpen();
        return Warnings.chain(session.warnings(), session.primaryConnection().getWarnings());
    }

    @Override
    public void clearWarnings() throws SQLException {
        checkOpen();
        session.clearWarnings();
        session.primaryConnection().clearWarnings();
    }

    @Override
    public Map<String, Class<?>> getTypeMap() throws SQLException {
        return session.primaryConnection().getTypeMap();
    }

    @Override
    public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
        session.primaryConnection().setTypeMap(map);
    }

    @Override
    public void setHoldability(int holdability) throws SQLException {
        checkOpen();
        if (holdability != ResultSet.HOLD_CURSORS_OVER_COMMIT && holdability != ResultSet.CLOSE_CURSORS_AT_COMMIT) {
            throw new SQLException("Invalid holdability " + holdability, "HY092");
        }
        this.holdability = holdability;
    }

    @Override
    public int getHoldability() throws SQLException {
        checkOpen();
        return holdability;
    }

    @Override
    public Savepoint setSavepoint() throws SQLException {
        return session.setSavepoint(null);
    }

    @Override
    public Savepoint setSavepoint(String name) throws SQLException {
        return session.setSavepoint(name);
    }

    @Override
    public void rollback(Savepoint savepoint) throws SQLException {
        session.rollback(savepoint);
    }

    @Override
    public void releaseSavepoint(Savepoint savepoint) throws SQLException {
        session.releaseSavepoint(savepoint);
    }

    @Override
    public Clob createClob() throws SQLException {
        return session.primaryConnection().createClob();
    }

    @Override
    public Blob createBlob() throws SQLException {
        return session.primaryConnection().createBlob();
    }

    @Override
    public NClob createNClob() throws SQLException {
        return session.primaryConnection().createNClob();
    }

    @Override
    public SQLXML createSQLXML() throws SQLException {
        return session.primaryConnection().createSQLXML();
    }

    @Override
    public boolean isValid(int timeout) throws SQLException {
        if (timeout < 0) {
            throw new SQLException("timeout must not be negative", "HY000");
        }
        return !session.isClosed() && session.primaryConnection().isValid(timeout);
    }

    @Override
    public void setClientInfo(String name, String value) throws SQLClientInfoException {
        clientInfo.setProperty(name, value);
    }

    @Override
    public void setClientInfo(Properties properties) throws SQLClientInfoException {
        Properties copy = new Properties();
        copy.putAll(properties);
        clientInfo = copy;
    }

    @Override
    public String getClientInfo(String name) {
        return clientInfo.getProperty(name);
    }

    @Override
    public Properties getClientInfo() {
        Properties copy = new Properties();
        copy.putAll(clientInfo);
        return copy;
    }

    @Override
    public Array createArrayOf(String typeName, Object[] elements) throws SQLException {
        return session.primaryConnection().createArrayOf(typeName, elements);
    }

    @Override
    public Struct createStruct(String typeName, Object[] attributes) throws SQLException {
        return session.primaryConnection().createStruct(typeName, attributes);
    }

    @Override
    public void setSchema(String schema) throws SQLException {
        session.applySetting("SET SCHEMA \"" + schema.replace("\"", "\"\"") + "\"");
    }

    @Override
    public String getSchema() throws SQLException {
        return session.primaryConnection().getSchema();
    }

    @Override
    public void abort(Executor executor) throws SQLException {
        if (executor == null) {
            throw new SQLException("executor must not be null", "HY000");
        }
        executor.execute(session::close);
    }

    @Override
    public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
        session.primaryConnection().setNetworkTimeout(executor, milliseconds);
    }

    @Override
    public int getNetworkTimeout() throws SQLException {
        return session.primaryConnection().getNetworkTimeout();
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

    void checkOpen() throws SQLException {
        if (session.isClosed()) {
            throw new SQLNonTransientConnectionException("The connection is closed", "08003");
        }
    }
}
