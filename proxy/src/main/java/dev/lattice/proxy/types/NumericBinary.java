package dev.lattice.proxy.types;

import io.netty.buffer.ByteBuf;
import java.math.BigDecimal;
import java.math.BigInteger;

/** PostgreSQL's binary numeric: base-10000 digits with a weight, a sign and a display scale. */
final class NumericBinary {

    private static final short POSITIVE = 0x0000;
    private static final short NEGATIVE = 0x4000;
    private static final short NAN = (short) 0xC000;
    private static final BigInteger TEN_THOUSAND = BigInteger.valueOf(10_000);

    private NumericBinary() {
    }

    static void write(ByteBuf out, BigDecimal value) {
        int scale = Math.max(0, value.scale());
        BigDecimal abs = value.abs().setScale(scale);
        // Shift so the fraction is a whole number of base-10000 digits.
        int fractionDigits = (scale + 3) / 4;
        BigInteger unscaled = abs.movePointRight(fractionDigits * 4).toBigIntegerExact();
        java.util.ArrayDeque<Short> digits = new java.util.ArrayDeque<>();
        while (unscaled.signum() > 0) {
            BigInteger[] qr = unscaled.divideAndRemainder(TEN_THOUSAND);
            digits.addFirst(qr[1].shortValue());
            unscaled = qr[0];
        }
        int weight = digits.size() - fractionDigits - 1;
        // Trailing zero digits need not be sent; leading zeros never are.
        java.util.List<Short> list = new java.util.ArrayList<>(digits);
        while (!list.isEmpty() && list.get(list.size() - 1) == 0) {
            list.remove(list.size() - 1);
        }
        int lead = 0;
        while (lead < list.size() && list.get(lead) == 0) {
            lead++;
            weight--;
        }
        list = list.subList(lead, list.size());
        if (list.isEmpty()) {
            weight = 0;
        }
        out.writeShort(list.size());
        out.writeShort(weight);
        out.writeShort(value.signum() < 0 ? NEGATIVE : POSITIVE);
        out.writeShort(scale);
        for (short d : list) {
            out.writeShort(d);
        }
    }

    static BigDecimal read(ByteBuf in) {
        int n = in.readShort();
        int weight = in.readShort();
        short sign = in.readShort();
        int scale = in.readShort() & 0xFFFF;
        if (sign == NAN) {
            throw new NumberFormatException("NaN is not a number H2 can store in NUMERIC");
        }
        BigInteger unscaled = BigInteger.ZERO;
        for (int i = 0; i < n; i++) {
            unscaled = unscaled.multiply(TEN_THOUSAND).add(BigInteger.valueOf(in.readShort()));
        }
        BigDecimal value = new BigDecimal(unscaled).movePointRight((weight - n + 1) * 4);
        value = value.setScale(scale, java.math.RoundingMode.UNNECESSARY);
        return sign == NEGATIVE ? value.negate() : value;
    }
}
