package dev.lattice.proxy.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Checks that client text is well-formed UTF-8 (no overlong forms, no surrogates, nothing past
 * U+10FFFF) and holds no NUL, as PostgreSQL does for text in its server encoding: anything else is
 * refused with 22021 rather than silently replaced. One pass, no allocation.
 */
public final class Utf8 {

    private Utf8() {
    }

    /** Checks bytes [from, to) of the buffer. */
    public static void check(ByteBuf buf, int from, int to) {
        check(null, buf, from, to);
    }

    /** Checks a whole array. */
    public static void check(byte[] bytes) {
        check(bytes, null, 0, bytes.length);
    }

    private static void check(byte[] array, ByteBuf buf, int from, int to) {
        int i = from;
        while (i < to) {
            int b = at(array, buf, i);
            if (b >= 0x01 && b < 0x80) {
                i++;
                continue;
            }
            int n = sequenceLength(array, buf, i, to);
            if (n <= 0) {
                throw invalid(array, buf, i, to);
            }
            i += n;
        }
    }

    private static int at(byte[] array, ByteBuf buf, int i) {
        return (array != null ? array[i] : buf.getByte(i)) & 0xFF;
    }

    /** The length of the valid multi-byte sequence at i, or 0 when it is not one. */
    private static int sequenceLength(byte[] array, ByteBuf buf, int i, int to) {
        int b0 = at(array, buf, i);
        int n;
        int lo = 0x80;
        int hi = 0xBF;
        if (b0 >= 0xC2 && b0 <= 0xDF) {
            n = 2;
        } else if (b0 >= 0xE0 && b0 <= 0xEF) {
            n = 3;
            lo = b0 == 0xE0 ? 0xA0 : 0x80;
            hi = b0 == 0xED ? 0x9F : 0xBF;
        } else if (b0 >= 0xF0 && b0 <= 0xF4) {
            n = 4;
            lo = b0 == 0xF0 ? 0x90 : 0x80;
            hi = b0 == 0xF4 ? 0x8F : 0xBF;
        } else {
            return 0; // NUL, a continuation byte, C0/C1 (overlong) or F5..FF
        }
        if (i + n > to) {
            return 0;
        }
        int b1 = at(array, buf, i + 1);
        if (b1 < lo || b1 > hi) {
            return 0;
        }
        for (int k = 2; k < n; k++) {
            int b = at(array, buf, i + k);
            if (b < 0x80 || b > 0xBF) {
                return 0;
            }
        }
        return n;
    }

    private static ProtocolException invalid(byte[] array, ByteBuf buf, int at, int to) {
        StringBuilder bytes = new StringBuilder();
        int first = at(array, buf, at);
        int shown = first >= 0xF0 ? 4 : first >= 0xE0 ? 3 : first >= 0xC0 ? 2 : 1;
        for (int k = 0; k < shown && at + k < to; k++) {
            bytes.append(k == 0 ? "" : " ").append(String.format("0x%02x", at(array, buf, at + k)));
        }
        return new ProtocolException("22021", "invalid byte sequence for encoding \"UTF8\": " + bytes);
    }
}
