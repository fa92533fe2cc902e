package dev.lattice.proxy.session;

import dev.lattice.proxy.protocol.BackendMessages;
import dev.lattice.routing.Session;
import io.netty.buffer.ByteBuf;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import org.postgresql.PGConnection;

/**
 * Session settings in front of a PostgreSQL cluster: the server answers them. The client's
 * start-up settings are applied on the node connections, and the ParameterStatus values the
 * client sees are the primary's own (server_version, TimeZone, ...), reported again whenever a
 * SET changes one of them.
 */
final class ServerSettings {

    /** Start-up parameters a client may send that the nodes take as session settings. */
    private static final String[] STARTUP = {"application_name", "search_path", "TimeZone", "IntervalStyle",
        "statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout", "client_min_messages",
        "bytea_output"};

    private final Map<String, String> reported = new HashMap<>();

    /** Applies the client's start-up settings and reports every parameter the primary reports. */
    void start(ByteBuf out, Session session, PgSettings client) throws SQLException {
        PgSettings defaults = new PgSettings(client.get("session_authorization"));
        for (String name : STARTUP) {
            String value = client.get(name);
            if (!value.equals(defaults.get(name))) {
                session.applySetting("SELECT pg_catalog.set_config('" + name + "', '" + value.replace("'", "''")
                        + "', false)");
            }
        }
        report(out, session);
    }

    /** After a SET: ParameterStatus for each reported parameter whose value changed. */
    void report(ByteBuf out, Session session) throws SQLException {
        Map<String, String> now = session.primaryConnection().unwrap(PGConnection.class).getParameterStatuses();
        for (Map.Entry<String, String> e : now.entrySet()) {
            // the proxy speaks UTF8 to its clients whatever the node connection says
            String value = e.getKey().equals("client_encoding") ? "UTF8" : e.getValue();
            if (!value.equals(reported.get(e.getKey()))) {
                reported.put(e.getKey(), value);
                BackendMessages.parameterStatus(out, e.getKey(), value);
            }
        }
    }
}
