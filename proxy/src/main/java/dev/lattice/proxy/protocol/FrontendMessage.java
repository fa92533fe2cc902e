package dev.lattice.proxy.protocol;

import java.util.List;
import java.util.Map;

/** A message from the client, one small record per kind of message of protocol v3. */
public sealed interface FrontendMessage {

    /**
     * The untyped StartupMessage of protocol 3.x, with its parameters (user, database, ...), the
     * minor version asked for, and the protocol options ({@code _pq_.*}) the server does not know.
     */
    record Startup(Map<String, String> parameters, int minorVersion, List<String> unsupportedOptions)
            implements FrontendMessage {

        /** Whether the client must be told (NegotiateProtocolVersion) that it gets 3.0 without its options. */
        public boolean needsNegotiation() {
            return minorVersion > 0 || !unsupportedOptions.isEmpty();
        }
    }

    /** SSLRequest: the client asks whether to switch to TLS. */
    record SslRequest() implements FrontendMessage { }

    /** GSSENCRequest: answered 'N' (no GSSAPI encryption). */
    record GssEncRequest() implements FrontendMessage { }

    /** CancelRequest: cancel what the session with this key is running. */
    record CancelRequest(int processId, int secretKey) implements FrontendMessage { }

    /** 'p': a password, SASLInitialResponse or SASLResponse; its meaning depends on the auth step. */
    record Password(byte[] payload) implements FrontendMessage { }

    /** 'Q': simple query, possibly several statements. */
    record Query(String sql) implements FrontendMessage { }

    /** 'P': Parse. */
    record Parse(String name, String sql, int[] parameterTypes) implements FrontendMessage { }

    /** 'B': Bind. A null value is SQL NULL. */
    record Bind(String portal, String statement, short[] parameterFormats, List<byte[]> values,
                short[] resultFormats) implements FrontendMessage { }

    /** 'D': Describe a statement ('S') or portal ('P'). */
    record Describe(byte target, String name) implements FrontendMessage { }

    /** 'E': Execute a portal, at most maxRows rows (0 = all). */
    /** @param syncFollows whether a Sync came right behind it (then it ends its pipeline alone) */
    record Execute(String portal, int maxRows, boolean syncFollows) implements FrontendMessage { }

    /** 'C': Close a statement ('S') or portal ('P'). */
    record Close(byte target, String name) implements FrontendMessage { }

    /** 'S': Sync. */
    record Sync() implements FrontendMessage { }

    /** 'H': Flush. */
    record Flush() implements FrontendMessage { }

    /** 'd': CopyData, a chunk of COPY FROM STDIN's data. */
    record CopyData(byte[] data) implements FrontendMessage { }

    /** 'c': CopyDone. */
    record CopyDone() implements FrontendMessage { }

    /** 'f': CopyFail, with the client's reason. */
    record CopyFail(String message) implements FrontendMessage { }
    /**
     * A well-framed message of a known type whose body is malformed (fields overrunning the frame,
     * bad counts or codes, text that is not UTF-8). As in PostgreSQL it fails with an ERROR, not
     * the connection: a Query is answered with ReadyForQuery, an extended-protocol message starts
     * the discard until Sync.
     */
    record Malformed(byte type, String sqlState, String message) implements FrontendMessage { }

    /** 'X': Terminate. */
    record Terminate() implements FrontendMessage { }
}
