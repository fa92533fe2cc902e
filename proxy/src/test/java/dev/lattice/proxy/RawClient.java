package dev.lattice.proxy;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A hand-driven protocol v3 client over a loopback socket, to send what no real client would. */
final class RawClient implements AutoCloseable {

    /** A backend message: its type and body. */
    record Message(char type, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    RawClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** Ends what this client sends (the server sees end of stream); reading goes on. */
    void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    void timeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    /** A start-up packet with these name/value pairs, protocol version and terminator as given. */
    static byte[] startup(int version, boolean terminator, String... pairs) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(ByteBuffer.allocate(4).putInt(version).array());
        for (String s : pairs) {
            body.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            body.write(0);
        }
        if (terminator) {
            body.write(0);
        }
        byte[] b = body.toByteArray();
        return ByteBuffer.allocate(4 + b.length).putInt(4 + b.length).put(b).array();
    }

    /** A Parse of an unnamed statement with these declared parameter types. */
    static byte[] parse(String sql, int... types) {
        byte[] s = sql.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(1 + s.length + 1 + 2 + 4 * types.length).put((byte) 0).put(s).put((byte) 0)
                .putShort((short) types.length);
        for (int t : types) {
            b.putInt(t);
        }
        return message('P', b.array());
    }

    /** A Bind of the unnamed statement to the unnamed portal, all parameters in one format. */
    static byte[] bind(short format, byte[]... values) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(0);
        body.write(0);
        body.writeBytes(ByteBuffer.allocate(4).putShort((short) 1).putShort(format).array());
        body.writeBytes(ByteBuffer.allocate(2).putShort((short) values.length).array());
        for (byte[] v : values) {
            body.writeBytes(ByteBuffer.allocate(4).putInt(v == null ? -1 : v.length).array());
            if (v != null) {
                body.writeBytes(v);
            }
        }
        body.writeBytes(new byte[] {0, 0});
        return message('B', body.toByteArray());
    }

    static byte[] execute() {
        return message('E', new byte[] {0, 0, 0, 0, 0});
    }

    /** A Bind of a statement with no parameters to a named portal, results in text. */
    static byte[] bind(String portal, String statement) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(portal.getBytes(StandardCharsets.UTF_8));
        body.write(0);
        body.writeBytes(statement.getBytes(StandardCharsets.UTF_8));
        body.write(0);
        body.writeBytes(new byte[] {0, 0, 0, 0, 0, 0});
        return message('B', body.toByteArray());
    }

    /** An Execute of a named portal for at most maxRows rows (0: all). */
    static byte[] execute(String portal, int maxRows) {
        byte[] p = portal.getBytes(StandardCharsets.UTF_8);
        return message('E', ByteBuffer.allocate(p.length + 5).put(p).put((byte) 0).putInt(maxRows).array());
    }

    static byte[] sync() {
        return message('S', new byte[0]);
    }

    void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    void sendStartup(String user) throws IOException {
        send(startup(user));
    }

    static byte[] startup(String user) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(ByteBuffer.allocate(4).putInt(196608).array());
        for (String s : new String[] {"user", user, "database", "lattice"}) {
            body.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            body.write(0);
        }
        body.write(0);
        byte[] b = body.toByteArray();
        return ByteBuffer.allocate(4 + b.length).putInt(4 + b.length).put(b).array();
    }

    /** A typed message with a body; the length is right. */
    static byte[] message(char type, byte[] body) {
        return ByteBuffer.allocate(5 + body.length).put((byte) type).putInt(4 + body.length).put(body).array();
    }

    static byte[] query(String sql) {
        byte[] s = sql.getBytes(StandardCharsets.UTF_8);
        return message('Q', ByteBuffer.allocate(s.length + 1).put(s).put((byte) 0).array());
    }

    /** One byte, such as the 'S' or 'N' that answers an SSLRequest; -1 at the end of the stream. */
    int readByte() throws IOException {
        return in.read();
    }

    /** An SSLRequest: length 8, code 80877103. */
    static byte[] sslRequest() {
        return ByteBuffer.allocate(8).putInt(8).putInt(80877103).array();
    }

    Message read() throws IOException {
        char type = (char) in.readUnsignedByte();
        int length = in.readInt();
        byte[] body = new byte[length - 4];
        in.readFully(body);
        return new Message(type, body);
    }

    /** Reads messages until one of this type arrives (returned) or the connection ends (null). */
    Message readUntil(char type) throws IOException {
        try {
            while (true) {
                Message m = read();
                if (m.type() == type) {
                    return m;
                }
            }
        } catch (EOFException e) {
            return null;
        }
    }

    /** Reads every message up to and including the next ReadyForQuery. */
    List<Message> readUpToReady() throws IOException {
        List<Message> got = new ArrayList<>();
        Message m;
        do {
            m = read();
            got.add(m);
        } while (m.type() != 'Z');
        return got;
    }

    /** Reads every message until the server closes the connection; fails on a timeout. */
    List<Message> readToEnd() throws IOException {
        List<Message> all = new ArrayList<>();
        try {
            while (true) {
                all.add(read());
            }
        } catch (EOFException | java.net.SocketException e) {
            return all;
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server did not close the connection; got " + all.size() + " messages", e);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
