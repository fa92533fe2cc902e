package dev.lattice.replication;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The durable form of a {@link LoggedTransaction}: a compact binary encoding of its row changes
 * (or its DDL), tagged by value type, with Java serialization only for rare H2 types.
 */
public final class LogCodec {

    private static final byte FORMAT = 1;
    private static final byte KIND_ROWS = 0;
    private static final byte KIND_DDL = 1;
    private static final byte KIND_RESYNC = 2;

    private static final byte NULL = 0, INT = 1, LONG = 2, STRING = 3, BOOL = 4, DOUBLE = 5, FLOAT = 6,
            DECIMAL = 7, BYTES = 8, SHORT = 9, BYTE = 10, DATE = 11, TIME = 12, TIMESTAMP = 13,
            TIMESTAMP_TZ = 14, UUID_TAG = 15, ARRAY = 16, TIME_TZ = 17, BIGINT = 18, SERIALIZED = 19;

    /** Each table's names as written, encoded once. */
    private static final Map<TableId, byte[]> TABLE_NAMES = new ConcurrentHashMap<>();

    private LogCodec() {
    }

    public static byte[] encode(LoggedTransaction tx) {
        Buffer out = new Buffer(128);
        encode(tx, out);
        return Arrays.copyOf(out.data, out.size);
    }

    /**
     * Appends the encoding to out, written straight into its array: per value a tag and its bytes,
     * per table its names once per transaction (their modified UTF-8 kept per TableId).
     */
    static void encode(LoggedTransaction tx, Buffer out) {
        out.writeByte(FORMAT);
        if (tx.isResync()) {
            out.writeByte(KIND_RESYNC);
            return;
        }
        if (tx.isDdl()) {
            out.writeByte(KIND_DDL);
            out.write(utf(tx.ddlSchema() == null ? "" : tx.ddlSchema()));
            writeLongString(out, tx.ddl());
            return;
        }
        out.writeByte(KIND_ROWS);
        List<RowChange> changes = tx.changes();
        out.writeInt(changes.size());
        TableId[] tables = new TableId[Math.min(changes.size(), 8)];
        int known = 0;
        for (RowChange change : changes) {
            int index = indexOf(tables, known, change.table());
            if (index < 0) {
                out.writeInt(-1);
                out.write(tableNames(change.table()));
                if (known == tables.length) {
                    tables = Arrays.copyOf(tables, 2 * known);
                }
                tables[known++] = change.table();
            } else {
                out.writeInt(index);
            }
            out.writeByte(change.op().ordinal());
            writeRow(out, change.oldRow());
            writeRow(out, change.newRow());
        }
    }

    private static int indexOf(TableId[] tables, int known, TableId table) {
        for (int i = 0; i < known; i++) {
            if (tables[i].equals(table)) {
                return i;
            }
        }
        return -1;
    }

    /** The table's schema and name as DataOutput.writeUTF writes them, one after the other. */
    private static byte[] tableNames(TableId table) {
        byte[] names = TABLE_NAMES.get(table);
        if (names == null) {
            if (TABLE_NAMES.size() >= 10_000) {
                TABLE_NAMES.clear(); // tables come and go by the thousand: keep the cache small
            }
            names = encodeNames(table);
            TABLE_NAMES.put(table, names);
        }
        return names;
    }

    private static byte[] encodeNames(TableId table) {
        byte[] schema = utf(table.schema());
        byte[] name = utf(table.name());
        byte[] both = Arrays.copyOf(schema, schema.length + name.length);
        System.arraycopy(name, 0, both, schema.length, name.length);
        return both;
    }

    /** s as DataOutput.writeUTF writes it: a two-byte length, then modified UTF-8. */
    private static byte[] utf(String s) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(2 + s.length());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static LoggedTransaction decode(long lsn, long commitMillis, byte[] payload) {
        return decode(lsn, commitMillis, payload, 0, payload.length);
    }

    /** Decodes the encoding at payload[offset, offset + length). */
    static LoggedTransaction decode(long lsn, long commitMillis, byte[] payload, int offset, int length) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload, offset, length))) {
            byte format = in.readByte();
            if (format != FORMAT) {
                throw new IllegalStateException("Unknown log format " + format + " at LSN " + lsn);
            }
            byte kind = in.readByte();
            if (kind == KIND_RESYNC) {
                return LoggedTransaction.resync(lsn, commitMillis);
            }
            if (kind == KIND_DDL) {
                String schema = in.readUTF();
                return LoggedTransaction.ofDdl(lsn, commitMillis, readLongString(in), schema.isEmpty() ? null : schema);
            }
            int count = in.readInt();
            List<TableId> tables = new ArrayList<>();
            List<RowChange> changes = new ArrayList<>(count);
            RowChange.Op[] ops = RowChange.Op.values();
            for (int i = 0; i < count; i++) {
                int index = in.readInt();
                TableId table;
                if (index < 0) {
                    table = new TableId(in.readUTF(), in.readUTF());
                    tables.add(table);
                } else {
                    table = tables.get(index);
                }
                RowChange.Op op = ops[in.readByte()];
                changes.add(new RowChange(table, op, readRow(in), readRow(in)));
            }
            return LoggedTransaction.ofChanges(lsn, commitMillis, changes);
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalStateException("Corrupt log entry at LSN " + lsn, e);
        }
    }

    private static void writeRow(Buffer out, Object[] row) {
        if (row == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(row.length);
        for (Object value : row) {
            writeValue(out, value);
        }
    }

    private static Object[] readRow(DataInputStream in) throws IOException, ClassNotFoundException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        Object[] row = new Object[length];
        for (int i = 0; i < length; i++) {
            row[i] = readValue(in);
        }
        return row;
    }

    private static void writeValue(Buffer out, Object value) {
        if (value == null) {
            out.writeByte(NULL);
        } else if (value instanceof Integer v) {
            out.writeByte(INT);
            out.writeInt(v);
        } else if (value instanceof Long v) {
            out.writeByte(LONG);
            out.writeLong(v);
        } else if (value instanceof String v) {
            out.writeByte(STRING);
            writeLongString(out, v);
        } else if (value instanceof Boolean v) {
            out.writeByte(BOOL);
            out.writeByte(v ? 1 : 0);
        } else if (value instanceof Double v) {
            out.writeByte(DOUBLE);
            out.writeLong(Double.doubleToLongBits(v));
        } else if (value instanceof Float v) {
            out.writeByte(FLOAT);
            out.writeInt(Float.floatToIntBits(v));
        } else if (value instanceof BigDecimal v) {
            out.writeByte(DECIMAL);
            writeBytes(out, v.unscaledValue().toByteArray());
            out.writeInt(v.scale());
        } else if (value instanceof BigInteger v) {
            out.writeByte(BIGINT);
            writeBytes(out, v.toByteArray());
        } else if (value instanceof byte[] v) {
            out.writeByte(BYTES);
            writeBytes(out, v);
        } else if (value instanceof Short v) {
            out.writeByte(SHORT);
            out.writeShort(v);
        } else if (value instanceof Byte v) {
            out.writeByte(BYTE);
            out.writeByte(v);
        } else if (value instanceof LocalDate v) {
            out.writeByte(DATE);
            out.writeLong(v.toEpochDay());
        } else if (value instanceof LocalTime v) {
            out.writeByte(TIME);
            out.writeLong(v.toNanoOfDay());
        } else if (value instanceof LocalDateTime v) {
            out.writeByte(TIMESTAMP);
            out.writeLong(v.toLocalDate().toEpochDay());
            out.writeLong(v.toLocalTime().toNanoOfDay());
        } else if (value instanceof OffsetDateTime v) {
            out.writeByte(TIMESTAMP_TZ);
            out.writeLong(v.toLocalDate().toEpochDay());
            out.writeLong(v.toLocalTime().toNanoOfDay());
            out.writeInt(v.getOffset().getTotalSeconds());
        } else if (value instanceof OffsetTime v) {
            out.writeByte(TIME_TZ);
            out.writeLong(v.toLocalTime().toNanoOfDay());
            out.writeInt(v.getOffset().getTotalSeconds());
        } else if (value instanceof UUID v) {
            out.writeByte(UUID_TAG);
            out.writeLong(v.getMostSignificantBits());
            out.writeLong(v.getLeastSignificantBits());
        } else if (value instanceof Object[] v) {
            out.writeByte(ARRAY);
            writeRow(out, v);
        } else {
            out.writeByte(SERIALIZED);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream objects = new ObjectOutputStream(bytes)) {
                objects.writeObject(value);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            writeBytes(out, bytes.toByteArray());
        }
    }

    private static Object readValue(DataInputStream in) throws IOException, ClassNotFoundException {
        byte tag = in.readByte();
        switch (tag) {
            case NULL: return null;
            case INT: return in.readInt();
            case LONG: return in.readLong();
            case STRING: return readLongString(in);
            case BOOL: return in.readBoolean();
            case DOUBLE: return in.readDouble();
            case FLOAT: return in.readFloat();
            case DECIMAL: return new BigDecimal(new BigInteger(readBytes(in)), in.readInt());
            case BIGINT: return new BigInteger(readBytes(in));
            case BYTES: return readBytes(in);
            case SHORT: return in.readShort();
            case BYTE: return in.readByte();
            case DATE: return LocalDate.ofEpochDay(in.readLong());
            case TIME: return LocalTime.ofNanoOfDay(in.readLong());
            case TIMESTAMP: return LocalDateTime.of(LocalDate.ofEpochDay(in.readLong()), LocalTime.ofNanoOfDay(in.readLong()));
            case TIMESTAMP_TZ: return OffsetDateTime.of(LocalDate.ofEpochDay(in.readLong()),
                    LocalTime.ofNanoOfDay(in.readLong()), ZoneOffset.ofTotalSeconds(in.readInt()));
            case TIME_TZ: return OffsetTime.of(LocalTime.ofNanoOfDay(in.readLong()), ZoneOffset.ofTotalSeconds(in.readInt()));
            case UUID_TAG: return new UUID(in.readLong(), in.readLong());
            case ARRAY: return readRow(in);
            case SERIALIZED:
                try (ObjectInputStream objects = new ObjectInputStream(new ByteArrayInputStream(readBytes(in)))) {
                    return objects.readObject();
                }
            default: throw new IOException("Unknown value tag " + tag);
        }
    }

    private static void writeBytes(Buffer out, byte[] bytes) {
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        return bytes;
    }

    private static void writeLongString(Buffer out, String s) {
        writeBytes(out, s.getBytes(StandardCharsets.UTF_8));
    }

    private static String readLongString(DataInputStream in) throws IOException {
        return new String(readBytes(in), StandardCharsets.UTF_8);
    }

    /** A growing byte array that encodings are written into, big-endian as DataOutput writes. */
    static final class Buffer {
        byte[] data;
        int size;

        Buffer(int capacity) {
            data = new byte[capacity];
        }

        private void ensure(int more) {
            if (size + more > data.length) {
                data = Arrays.copyOf(data, Math.max(2 * data.length, size + more));
            }
        }

        void writeByte(int b) {
            ensure(1);
            data[size++] = (byte) b;
        }

        void writeShort(int v) {
            ensure(2);
            data[size++] = (byte) (v >>> 8);
            data[size++] = (byte) v;
        }

        void writeInt(int v) {
            ensure(4);
            data[size++] = (byte) (v >>> 24);
            data[size++] = (byte) (v >>> 16);
            data[size++] = (byte) (v >>> 8);
            data[size++] = (byte) v;
        }

        void writeLong(long v) {
            writeInt((int) (v >>> 32));
            writeInt((int) v);
        }

        void write(byte[] bytes) {
            ensure(bytes.length);
            System.arraycopy(bytes, 0, data, size, bytes.length);
            size += bytes.length;
        }
    }
}
