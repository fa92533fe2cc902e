package dev.lattice.replication;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import org.h2.api.ErrorCode;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVStoreException;

/**
 * A replica's H2 file that H2 cannot open because it is corrupt (a kill or a power cut at the
 * wrong moment can leave one that H2's recovery does not read, "Chunk 4 not found"): recognised by
 * H2's error, and set aside under another name, so the replica starts from an empty database and
 * is rebuilt from the primary. Only for the files of a {@code file:} cluster, which are Lattice's.
 */
final class CorruptFiles {

    private CorruptFiles() {
    }

    /** Whether opening the database failed because H2 found its file corrupt. */
    static boolean corrupt(SQLException e) {
        if (e.getErrorCode() == ErrorCode.FILE_CORRUPTED_1) {
            return true;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MVStoreException m && (m.getErrorCode() == DataUtils.ERROR_FILE_CORRUPT
                    || m.getErrorCode() == DataUtils.ERROR_CHUNK_NOT_FOUND)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Renames the database file of an embedded {@code jdbc:h2:file:} URL to
     * {@code <name>.mv.db.corrupt-<millis>} and returns the new path.
     */
    static Path setAside(String url) throws SQLException {
        if (!url.startsWith("jdbc:h2:file:")) {
            throw new SQLException("Not the URL of an embedded H2 file: " + url, "58030");
        }
        String name = url.substring("jdbc:h2:file:".length()).split(";", 2)[0];
        Path file = Path.of(name + ".mv.db");
        Path aside = Path.of(name + ".mv.db.corrupt-" + System.currentTimeMillis());
        try {
            return Files.move(file, aside);
        } catch (IOException e) {
            throw new SQLException("Cannot set aside the corrupt file " + file + ": " + e.getMessage(), "58030", e);
        }
    }
}
