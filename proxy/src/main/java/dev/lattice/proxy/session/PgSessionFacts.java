package dev.lattice.proxy.session;

import dev.lattice.proxy.pgsql.PgJson;
import dev.lattice.proxy.pgsql.PgRewriter;
import java.sql.SQLException;

/** What {@link PgRewriter} answers for one client session: its settings, user and backend process id. */
final class PgSessionFacts implements PgRewriter.SessionFacts {

    private final PgSettings settings;
    private final PgJson.Tables jsonTables;
    private volatile int pid;

    PgSessionFacts(PgSettings settings, PgJson.Tables jsonTables) {
        this.settings = settings;
        this.jsonTables = jsonTables;
    }

    @Override
    public PgJson.Tables jsonTables() {
        return jsonTables;
    }

    void pid(int processId) {
        this.pid = processId;
    }

    @Override
    public String setting(String name) {
        return settings.find(name);
    }

    @Override
    public String setConfig(String name, String value, boolean local) throws SQLException {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '_' || c == '.')) {
                throw new SQLException("unrecognized configuration parameter \"" + name + "\"", "42704");
            }
        }
        if (settings.find(name) == null) {
            throw new SQLException("unrecognized configuration parameter \"" + name + "\"", "42704");
        }
        settings.execute("SET " + name + " = '" + value.replace("'", "''") + "'");
        return settings.get(name);
    }

    @Override
    public int backendPid() {
        return pid;
    }

    @Override
    public String user() {
        return settings.get("session_authorization");
    }

    @Override
    public java.util.Map<String, String> settings() {
        return settings.all();
    }

    @Override
    public String database() {
        return "lattice";
    }
}
