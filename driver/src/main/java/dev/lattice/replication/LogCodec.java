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
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

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

    private LogCodec() {
    }

    public static byte[] encode(LoggedTransaction tx) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            if (tx.isResync()) {
                out.writeByte(KIND_RESYNC);
                return finish(out, bytes);
            }
            if (tx.isDdl()) {
                out.writeByte(KIND_DDL);
                out.writeUTF(tx.ddlSchema() == null ? "" : tx.ddlSchema());
                writeLongString(out, tx.ddl());
                return finish(out, bytes);
            }
            out.writeByte(KIND_ROWS);
            Map<TableId, Integer> tables = new HashMap<>();
            out.writeInt(tx.changes().size());
            for (RowChange change : tx.changes()) {
                Integer index = tables.get(change.table());
                if (index == null) {
                    out.writeInt(-1);
                    out.writeUTF(change.table().schema());
                    out.writeUTF(change.table().name());
                    tables.put(change.table(), tables.size());
                } else {
                    out.writeInt(index);
                }
                out.writeByte(change.op().ordinal());
                writeRow(out, change.oldRow());
                writeRow(out, change.newRow());
            }
            return finish(out, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static LoggedTransaction decode(long lsn, long commitMillis, byte[] payload) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
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

    private static byte[] finish(DataOutputStream out, ByteArrayOutputStream bytes) throws IOException {
        out.flush();
        return bytes.toByteArray();
    }

    private static void writeRow(DataOutputStream out, Object[] row) throws IOException {
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

    private static void writeValue(DataOutputStream out, Object value) throws IOException {
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
            out.writeBoolean(v);
        } else if (value instanceof Double v) {
            out.writeByte(DOUBLE);
            out.writeDouble(v);
        } else if (value instanceof Float v) {
            out.writeByte(FLOAT);
            out.writeFloat(v);
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

    private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        return bytes;
    }

    private static void writeLongString(DataOutputStream out, String s) throws IOException {
        writeBytes(out, s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static String readLongString(DataInputStream in) throws IOException {
        return new String(readBytes(in), java.nio.charset.StandardCharsets.UTF_8);
    }
}
