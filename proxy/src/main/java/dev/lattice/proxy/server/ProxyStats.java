package dev.lattice.proxy.server;

import dev.lattice.proxy.session.AtOnceStatements;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** The proxy's own counters, for the metrics endpoint. */
public final class ProxyStats {

    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger sessions = new AtomicInteger();
    final LongAdder accepted = new LongAdder();
    final LongAdder rejected = new LongAdder();
    final LongAdder authFailures = new LongAdder();
    final LongAdder protocolErrors = new LongAdder();
    final LongAdder cancelRequests = new LongAdder();
    final LongAdder tlsConnections = new LongAdder();
    final LongAdder tlsFailures = new LongAdder();
    final LongAdder authenticationTimeouts = new LongAdder();
    private final AtOnceStatements atOnceStatements;

    ProxyStats(AtOnceStatements atOnceStatements) {
        this.atOnceStatements = atOnceStatements;
    }

    /** Point reads and writes run on an event loop, with no hand-off to a worker thread. */
    public long statementsAtOnce() {
        return atOnceStatements.served();
    }

    /** Statements tried on an event loop that met a wait (a row lock, DDL) and went to their worker untouched. */
    public long statementsHandedBack() {
        return atOnceStatements.handedBack();
    }

    /** Open client connections, authenticated or not. */
    public int connections() {
        return connections.get();
    }

    /** Authenticated sessions, each one engine session. */
    public int sessions() {
        return sessions.get();
    }

    public long accepted() {
        return accepted.sum();
    }

    /** Connections closed for not completing start-up and authentication within authenticationTimeout. */
    public long authenticationTimeouts() {
        return authenticationTimeouts.sum();
    }

    /** Connections refused for being over maxConnections or maxConnectionsPerAddress. */
    public long rejected() {
        return rejected.sum();
    }

    public long authFailures() {
        return authFailures.sum();
    }

    /** Connections closed for a malformed, oversized or out-of-order message. */
    public long protocolErrors() {
        return protocolErrors.sum();
    }

    public long cancelRequests() {
        return cancelRequests.sum();
    }

    /** Connections that completed a TLS handshake (after an SSLRequest answered 'S'). */
    public long tlsConnections() {
        return tlsConnections.sum();
    }

    /** TLS handshakes that failed (the client's certificate check, protocols, or garbage instead of a ClientHello). */
    public long tlsFailures() {
        return tlsFailures.sum();
    }
}
