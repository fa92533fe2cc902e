package dev.lattice.replication;

import dev.lattice.cluster.ClusterConfig;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a file-backed H2 primary acknowledge a commit only once it is written (SPEC §1: "the
 * log is durable with the primary"), or refuses to start the cluster.
 *
 * <p>H2 2.5 writes a commit to its file at once only with {@code WRITE_DELAY 0}; with the default
 * (500 ms) a background thread writes it later, so a killed primary process loses what it had
 * acknowledged meanwhile. {@code SET WRITE_DELAY} is stored in the database but not applied when
 * the database opens again: H2 then takes the opening connection's URL setting, or 500. So
 * setting it once is not enough: every connection Lattice opens to the primary carries
 * {@code WRITE_DELAY=0} in its URL, which also covers the connection that reopens the database
 * after the primary's server restarts. That needs admin rights; without them Lattice starts only
 * if the primary already runs with {@code WRITE_DELAY 0}. In-memory primaries are volatile by
 * design and left as they are.
 *
 * <p>What this does not cover: H2 does not force its file to the disk (fsync) at each commit, so
 * a crash of the operating system or a power cut can still lose the last commits; a killed
 * process cannot, because what it wrote is in the operating system's cache.
 */
public final class PrimaryDurability {

    private static final Logger LOG = LoggerFactory.getLogger(PrimaryDurability.class);
    private static final String SETTING = "WRITE_DELAY";
    private static final int ADMIN_RIGHTS_REQUIRED = 90040;

    /** Tests only: false shows what a primary left at H2's defaults loses. */
    static volatile boolean enforced = true;

    private PrimaryDurability() {
    }

    /**
     * The URL Lattice must use for the primary so that each acknowledged commit is on its disk:
     * the configured URL with {@code WRITE_DELAY=0} added when the primary is a file database.
     *
     * @throws SQLException with SQLState 22023 when that cannot be made to hold
     */
    public static String durableUrl(String url, String user, String password) throws SQLException {
        if (!enforced) {
            return url;
        }
        String inUrl = ClusterConfig.urlSetting(url, SETTING);
        if (inUrl != null && !inUrl.trim().equals("0")) {
            throw refused(url, SETTING + "=" + inUrl + " in its URL",
                    "Remove " + SETTING + " from the primary's URL or set it to 0.");
        }
        Properties credentials = new Properties();
        credentials.setProperty("user", user);
        credentials.setProperty("password", password);
        try (Connection c = connect(url, credentials)) {
            if (databasePath(c) == null) {
                return url; // in-memory: nothing survives a kill anyway
            }
        } catch (SQLException e) {
            if (e.getErrorCode() == ADMIN_RIGHTS_REQUIRED) {
                throw refused(url, SETTING + "=0 in its URL, which needs admin rights that user " + user + " lacks",
                        "Connect as an admin user, or remove " + SETTING + " from the URL once an admin has run "
                                + "SET " + SETTING + " 0 on the primary.");
            }
            throw e;
        }
        String durable = inUrl == null ? withSetting(url, SETTING + "=0") : url;
        try (Connection c = connect(durable, credentials)) {
            String delay = writeDelay(c);
            if (!delay.equals("0")) {
                throw refused(url, SETTING + " " + delay + " after Lattice set it to 0",
                        "Check what changes " + SETTING + " on the primary.");
            }
            return durable;
        } catch (SQLException e) {
            if (e.getErrorCode() != ADMIN_RIGHTS_REQUIRED) {
                throw e;
            }
        }
        try (Connection c = connect(url, credentials)) {
            String delay = writeDelay(c);
            if (!delay.equals("0")) {
                throw refused(url, SETTING + " " + delay + " (H2's default is 500 ms), which user " + user
                                + " may not change",
                        "Connect as an admin user (Lattice then sets " + SETTING + " 0 on every connection), "
                                + "or have an admin open the primary with " + SETTING + "=0 in its URL.");
            }
        }
        LOG.warn("The primary {} runs with {} 0, but user {} is no admin, so Lattice cannot keep it so: "
                        + "H2 forgets the setting when the database is opened again (it then takes the opening URL's "
                        + "{}, or 500 ms), and commits acknowledged after such a restart may be lost if the primary "
                        + "is killed", url, SETTING, user, SETTING);
        return url;
    }

    private static Connection connect(String url, Properties credentials) throws SQLException {
        return org.h2.Driver.load().connect(url, credentials);
    }

    private static String databasePath(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("CALL DATABASE_PATH()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /**
     * The primary's write delay: H2 lists the stored setting and the one in effect, which differ
     * after a reopen, so any non-zero value among them is the answer.
     */
    static String writeDelay(Connection c) throws SQLException {
        String found = "0";
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS "
                     + "WHERE SETTING_NAME = '" + SETTING + "'")) {
            while (rs.next()) {
                if (!rs.getString(1).trim().equals("0")) {
                    found = rs.getString(1).trim();
                }
            }
        }
        if (!c.getAutoCommit()) {
            c.commit();
        }
        return found;
    }

    private static String withSetting(String url, String setting) {
        return (url.endsWith(";") ? url : url + ";") + setting;
    }

    private static SQLException refused(String url, String what, String todo) {
        return new SQLException("Lattice refuses to start on the primary " + url + ": it runs with " + what
                + ", so a commit could be acknowledged before it is written and lost if the primary is killed. "
                + todo, "22023");
    }
}
