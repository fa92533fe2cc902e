package dev.lattice.replication;

import java.util.concurrent.locks.LockSupport;

/**
 * Tests only: a named step of a commit or of DDL at which a process stops dead, so that a test
 * can SIGKILL it exactly there and check what survives (issue 15). Unarmed, a step costs one
 * volatile read.
 */
public final class CrashPoint {

    /** Before the log record is written into the committing transaction. */
    public static final String COMMIT_BEFORE_LOG_RECORD = "commit.beforeLogRecord";
    /** After the log record is written, before the H2 commit of data and record together. */
    public static final String COMMIT_BEFORE_DATA_COMMIT = "commit.beforeDataCommit";
    /** After the H2 commit, before the commit is published to the replicas and acknowledged. */
    public static final String COMMIT_AFTER_DATA_COMMIT = "commit.afterDataCommit";
    /** After the DDL's intent is recorded, before the DDL runs. */
    public static final String DDL_BEFORE_STATEMENT = "ddl.beforeStatement";
    /** After the DDL has run (H2 has committed it), before its log record. */
    public static final String DDL_BEFORE_LOG_RECORD = "ddl.beforeLogRecord";
    /** After the DDL's log record is committed, before it is published and acknowledged. */
    public static final String DDL_AFTER_LOG_RECORD = "ddl.afterLogRecord";

    private static volatile String armed;

    private CrashPoint() {
    }

    /** Makes the process stop at that step, the next time any thread reaches it. */
    public static void arm(String step) {
        armed = step;
    }

    static void reach(String step) {
        String a = armed;
        if (a != null && a.equals(step)) {
            System.out.println("CRASHPOINT " + step);
            System.out.flush();
            while (true) {
                LockSupport.park(); // until the test kills the process
            }
        }
    }
}
