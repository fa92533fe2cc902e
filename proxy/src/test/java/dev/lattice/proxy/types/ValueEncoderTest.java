package dev.lattice.proxy.types;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Integer columns in text format: the digits written straight into the buffer match Long.toString. */
class ValueEncoderTest {

    @Test
    void integersAreWrittenAsJavaSpellsThem() {
        long[] values = {0, 1, -1, 9, 10, -10, 99, 100, 12345, -12345, Integer.MAX_VALUE, Integer.MIN_VALUE,
                999_999_999_999L, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1};
        for (long v : values) {
            ByteBuf out = Unpooled.buffer(1);
            out.writeByte('x');
            ValueEncoder.writeDecimal(out, v);
            assertEquals("x" + v, out.toString(StandardCharsets.US_ASCII), "value " + v);
            assertEquals(Long.toString(v).length(), ValueEncoder.decimalLength(v), "length of " + v);
        }
    }
}
