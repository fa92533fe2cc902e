package dev.lattice.routing;

import dev.lattice.sql.analysis.StatementAnalysis;
import dev.lattice.sql.statement.SqlAlterCluster;
import dev.lattice.sql.statement.SqlAlterReplica;
import dev.lattice.sql.statement.SqlBeginTransaction;
import dev.lattice.sql.statement.SqlCommit;
import dev.lattice.sql.statement.SqlReleaseSavepoint;
import dev.lattice.sql.statement.SqlRollback;
import dev.lattice.sql.statement.SqlSavepoint;
import dev.lattice.sql.statement.SqlSetConsistency;
import dev.lattice.sql.statement.SqlSetConsistencyFallback;
import dev.lattice.sql.statement.SqlSetConsistencyTimeout;
import dev.lattice.sql.statement.SqlSetConsistencyToken;
import dev.lattice.sql.statement.SqlSetTransaction;
import dev.lattice.sql.statement.SqlShowConsistency;
import dev.lattice.sql.statement.SqlShowLocks;
import dev.lattice.sql.statement.SqlShowReplicas;
import dev.lattice.sql.statement.SqlShowStats;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLWarning;
import org.apache.calcite.sql.SqlNode;

/**
 * Runs the statements Lattice answers itself rather than passing to H2: transaction control,
 * session settings, and the Lattice session and admin commands of SPEC §3.
 */
public final class Commands {

    private Commands() {
    }

    public static CommandResult execute(Session session, StatementAnalysis analysis, String sql) throws SQLException {
        switch (analysis.kind()) {
            case SESSION_SETTING -> {
                Boolean autoCommit = autoCommitSetting(sql);
                if (autoCommit != null) {
                    session.setAutoCommit(autoCommit);
                } else {
                    session.applySetting(sql);
                }
                return CommandResult.done();
            }
            case TRANSACTION_CONTROL -> {
                return transactionControl(session, analysis.command(), sql);
            }
            case LATTICE_ADMIN -> {
                return admin(session, analysis.command());
            }
            default -> {
                return sessionCommand(session, analysis.command());
            }
        }
    }

    /**
     * H2's SET AUTOCOMMIT (with = or TO, 1 or 0, a comment after: as H2 takes it) as the JDBC call
     * (switching it on commits the open transaction): passed on, it would make H2 commit each
     * statement by itself, unlogged and out of the commit order. Null for any other setting.
     */
    private static Boolean autoCommitSetting(String sql) throws SQLException {
        int comment = sql.indexOf("--");
        String text = (comment < 0 ? sql : sql.substring(0, comment)).replace(';', ' ').replace('=', ' ');
        java.util.StringTokenizer words = new java.util.StringTokenizer(text);
        if (words.countTokens() < 2 || !words.nextToken().equalsIgnoreCase("SET")
                || !words.nextToken().equalsIgnoreCase("AUTOCOMMIT")) {
            return null;
        }
        String value = "";
        if (words.countTokens() == 1) {
            value = words.nextToken();
        } else if (words.countTokens() == 2 && words.nextToken().equalsIgnoreCase("TO")) {
            value = words.nextToken(); // SET AUTOCOMMIT TO value, as H2 takes it
        }
        value = value.toUpperCase(java.util.Locale.ROOT);
        return switch (value) {
            case "TRUE", "ON", "1" -> Boolean.TRUE;
            case "FALSE", "OFF", "0" -> Boolean.FALSE;
            default -> throw new SQLException("SET AUTOCOMMIT takes TRUE, ON, 1, FALSE, OFF or 0: " + sql, "42601");
        };
    }

    private static CommandResult transactionControl(Session session, SqlNode command, String sql) throws SQLException {
        if (command instanceof SqlBeginTransaction begin) {
            Integer isolation = begin.getIsolation() == null ? null : begin.getIsolation().jdbcLevel();
            return warn(session.begin(begin.getReadOnly(), isolation));
        }
        if (command instanceof SqlCommit) {
            if (session.effectiveAutoCommit()) {
                return warn(noTransaction());
            }
            session.commit();
            return CommandResult.done();
        }
        if (command instanceof SqlRollback rollback) {
            if (rollback.getSavepoint() != null) {
                session.rollbackToSavepoint(rollback.getSavepoint().getSimple(), sql);
            } else if (session.effectiveAutoCommit()) {
                return warn(noTransaction());
            } else {
                session.rollback();
            }
            return CommandResult.done();
        }
        if (command instanceof SqlSavepoint savepoint) {
            session.savepoint(savepoint.getName().getSimple(), sql);
            return CommandResult.done();
        }
        if (command instanceof SqlReleaseSavepoint release) {
            session.releaseSavepoint(release.getName().getSimple(), sql);
            return CommandResult.done();
        }
        if (command instanceof SqlSetTransaction set) {
            if (set.getIsolation() != null) {
                session.setIsolation(set.getIsolation().jdbcLevel(), set.isSession());
            }
            if (set.getReadOnly() != null) {
                if (set.isSession()) {
                    session.setReadOnly(set.getReadOnly());
                } else {
                    session.setTransactionReadOnly(set.getReadOnly());
                }
            }
            return CommandResult.done();
        }
        throw new SQLException("Unknown transaction statement: " + command, "42601");
    }

    private static SQLWarning noTransaction() {
        return new SQLWarning("There is no transaction in progress", "25P01");
    }

    private static CommandResult warn(SQLWarning warning) {
        return new CommandResult(null, 0, warning);
    }

    private static CommandResult admin(Session session, SqlNode command) throws SQLException {
        if (command instanceof SqlShowReplicas) {
            return CommandResult.rows(session.cluster().backend().showReplicas());
        }
        if (command instanceof SqlShowLocks) {
            return CommandResult.rows(session.cluster().lockManager().show());
        }
        if (command instanceof SqlShowStats) {
            return CommandResult.rows(session.cluster().routingStats().show());
        }
        if (command instanceof SqlAlterReplica alter) {
            String name = alter.getReplicaName();
            switch (alter.getAction()) {
                case SET_DELAY -> session.cluster().backend().setDelay(name, delay(alter.getDelayMs()));
                case PAUSE -> session.cluster().backend().setPaused(name, true);
                case RESUME -> session.cluster().backend().setPaused(name, false);
            }
            return CommandResult.done();
        }
        if (command instanceof SqlAlterCluster alter) {
            return warn(session.cluster().backend().promote(alter.getReplicaName(), alter.isForce()));
        }
        throw notYet(command);
    }

    private static CommandResult sessionCommand(Session session, SqlNode command) throws SQLException {
        SessionConsistency consistency = session.consistency();
        if (command instanceof SqlSetConsistency set) {
            return warn(consistency.set(set.getSpec()));
        }
        if (command instanceof SqlSetConsistencyTimeout timeout) {
            consistency.setTimeout(timeout.getTimeoutMs());
            return CommandResult.done();
        }
        if (command instanceof SqlSetConsistencyFallback fallback) {
            consistency.setFallback(fallback.getFallback());
            return CommandResult.done();
        }
        if (command instanceof SqlSetConsistencyToken token) {
            consistency.adopt(token.getToken());
            return CommandResult.done();
        }
        if (command instanceof SqlShowConsistency) {
            return CommandResult.rows(consistency.show());
        }
        throw notYet(command);
    }

    private static SQLException notYet(SqlNode command) {
        return new SQLFeatureNotSupportedException("Lattice does not run '" + command + "' yet", "0A000");
    }

    /**
     * A replica delay in milliseconds, at most PostgreSQL's own bound for recovery_min_apply_delay
     * (2^31 - 1 ms, about 24.8 days); a longer one would overflow where commit times are added to it.
     */
    private static long delay(long millis) throws SQLException {
        if (millis < 0 || millis > Integer.MAX_VALUE) {
            throw new SQLException("The delay of a replica must be between 0 and " + Integer.MAX_VALUE
                    + " milliseconds: " + millis, "22023");
        }
        return millis;
    }
}
