package dev.lattice.replication;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The change log's entries that have left its in-memory ring while a replica has yet to apply
 * them, encoded ({@link LogCodec}) in chunks of consecutive LSNs and kept within the retention, so
 * a replica that fell behind catches up without a rebuild. A hundred thousand entries as Java
 * objects (row images, boxed values) were tens of megabytes that each young collection copied
 * again, with pauses of 35-47 ms at 160,000 commits a second; encoded they are a few large arrays.
 */
final class LogArchive {

    private static final int PER_CHUNK = 1024;

    private final long retention;
    /** Consecutive chunks, oldest first; every one but the last holds PER_CHUNK entries. */
    private final List<Chunk> chunks = new ArrayList<>();

    /** @param retention how many of the newest entries to keep, at least */
    LogArchive(long retention) {
        this.retention = retention;
    }

    /**
     * Adds the entry after the newest; an entry that cannot be encoded (a value that is neither of
     * a type the codec knows nor serializable) is kept as a hole, and a replica that needs it is rebuilt.
     */
    synchronized void append(LoggedTransaction tx) {
        Chunk last = chunks.isEmpty() ? null : chunks.get(chunks.size() - 1);
        if (last != null && last.first + last.count != tx.lsn()) {
            chunks.clear(); // not the next LSN: the older entries are not this history's
            last = null;
        }
        if (last == null || last.count == PER_CHUNK) {
            if (last != null) {
                last.bytes.data = Arrays.copyOf(last.bytes.data, last.bytes.size);
            }
            last = new Chunk(tx.lsn());
            chunks.add(last);
        }
        last.add(tx);
        while (chunks.size() > 1 && chunks.get(0).first + PER_CHUNK - 1 <= tx.lsn() - retention) {
            chunks.remove(0);
        }
    }

    /**
     * Up to max entries from fromLsn on, decoded; empty when the archive does not hold fromLsn (or
     * holds a hole there).
     */
    synchronized List<LoggedTransaction> read(long fromLsn, int max) {
        List<LoggedTransaction> out = new ArrayList<>();
        for (long lsn = fromLsn; out.size() < max; lsn++) {
            Chunk chunk = chunkOf(lsn);
            if (chunk == null) {
                break;
            }
            int i = (int) (lsn - chunk.first);
            int start = i == 0 ? 0 : chunk.ends[i - 1];
            if (chunk.ends[i] == start) {
                break; // a hole
            }
            out.add(LogCodec.decode(lsn, chunk.millis[i], chunk.bytes.data, start, chunk.ends[i] - start));
        }
        return out;
    }

    /** The commit time of the entry at lsn, or -1 when the archive does not hold it. */
    synchronized long commitMillis(long lsn) {
        Chunk chunk = chunkOf(lsn);
        return chunk == null ? -1 : chunk.millis[(int) (lsn - chunk.first)];
    }

    /** Forgets whole chunks of entries up to lsn (every replica has applied them). */
    synchronized void forgetThrough(long lsn) {
        while (!chunks.isEmpty() && chunks.get(0).first + chunks.get(0).count - 1 <= lsn) {
            chunks.remove(0);
        }
    }

    /** Forgets the entries after lsn (the history continues from it on another primary). */
    synchronized void truncateAfter(long lsn) {
        while (!chunks.isEmpty()) {
            Chunk last = chunks.get(chunks.size() - 1);
            if (last.first > lsn) {
                chunks.remove(chunks.size() - 1);
            } else {
                if (last.first + last.count - 1 > lsn) {
                    last.count = (int) (lsn - last.first + 1);
                    last.bytes.size = last.ends[last.count - 1];
                }
                return;
            }
        }
    }

    private Chunk chunkOf(long lsn) {
        if (chunks.isEmpty() || lsn < chunks.get(0).first) {
            return null;
        }
        long index = (lsn - chunks.get(0).first) / PER_CHUNK;
        if (index >= chunks.size()) {
            return null;
        }
        Chunk chunk = chunks.get((int) index);
        return lsn - chunk.first < chunk.count ? chunk : null;
    }

    /** Up to PER_CHUNK consecutive entries: their commit times and their encodings end to end. */
    private static final class Chunk {
        final long first;
        final long[] millis = new long[PER_CHUNK];
        /** Where each entry's encoding ends in bytes. */
        final int[] ends = new int[PER_CHUNK];
        final LogCodec.Buffer bytes = new LogCodec.Buffer(64 * PER_CHUNK);
        int count;

        Chunk(long first) {
            this.first = first;
        }

        void add(LoggedTransaction tx) {
            int start = bytes.size;
            try {
                LogCodec.encode(tx, bytes);
            } catch (RuntimeException e) {
                bytes.size = start; // kept as a hole
            }
            millis[count] = tx.commitMillis();
            ends[count] = bytes.size;
            count++;
        }
    }
}
