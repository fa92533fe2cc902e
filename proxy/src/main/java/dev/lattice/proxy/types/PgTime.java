package dev.lattice.proxy.types;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;

/** PostgreSQL's date and time forms: ISO text, and binary counts from 2000-01-01. */
final class PgTime {

    static final LocalDate EPOCH_DATE = LocalDate.of(2000, 1, 1);
    static final LocalDateTime EPOCH = EPOCH_DATE.atStartOfDay();

    static final DateTimeFormatter TIME = new DateTimeFormatterBuilder()
            .appendPattern("HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 6, true).optionalEnd()
            .toFormatter();

    static final DateTimeFormatter TIMESTAMP = new DateTimeFormatterBuilder()
            .appendPattern("uuuu-MM-dd HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 6, true).optionalEnd()
            .toFormatter();

    static final DateTimeFormatter OFFSET = new DateTimeFormatterBuilder().appendOffset("+HH:mm", "+00").toFormatter();

    /** Parses PostgreSQL-style input: a space or 'T' between date and time, optional fraction and zone. */
    static final DateTimeFormatter INPUT = new DateTimeFormatterBuilder()
            .appendPattern("uuuu-MM-dd")
            .optionalStart().optionalStart().appendLiteral(' ').optionalEnd().optionalStart().appendLiteral('T').optionalEnd()
            .appendPattern("HH:mm")
            .optionalStart().appendPattern(":ss").optionalEnd()
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .optionalEnd()
            .optionalStart().appendOffset("+HH:mm", "Z").optionalEnd()
            .optionalStart().appendOffset("+HH", "Z").optionalEnd()
            .toFormatter();

    private PgTime() {
    }

    static long micros(LocalDateTime t) {
        return ChronoUnit.MICROS.between(EPOCH, t);
    }

    static LocalDateTime fromMicros(long micros) {
        return EPOCH.plus(micros, ChronoUnit.MICROS);
    }

    static long micros(LocalTime t) {
        return t.toNanoOfDay() / 1000;
    }

    static int days(LocalDate d) {
        return (int) ChronoUnit.DAYS.between(EPOCH_DATE, d);
    }

    static LocalDate fromDays(int days) {
        return EPOCH_DATE.plusDays(days);
    }

    static ZoneOffset utc() {
        return ZoneOffset.UTC;
    }
}
