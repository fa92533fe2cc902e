package dev.lattice.testing;

import org.h2.tools.Server;

/** Runs an H2 TCP server in its own process, for tests that kill a replica: args are port and base directory. */
public final class H2ServerMain {

    private H2ServerMain() {
    }

    public static void main(String[] args) throws Exception {
        Server server = Server.createTcpServer("-tcpPort", args[0], "-baseDir", args[1], "-ifNotExists").start();
        System.out.println("LISTENING " + server.getPort());
        Thread.currentThread().join();
    }
}
