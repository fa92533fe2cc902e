package dev.lattice.proxy.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A simple-query string splits at top-level semicolons only. */
class SqlSplitterTest {

    @Test
    void semicolonsInsideQuotesCommentsAndDollarQuotesDoNotSplit() {
        assertEquals(List.of("select 'a;b'", "select \"x;y\" from t", "select $$;$$", "select $f$ ; $f$",
                        "select E'\\';'", "select 1 /* ; /* ; */ ; */", "select 2 -- ;"),
                SqlSplitter.split("select 'a;b'; select \"x;y\" from t; select $$;$$; select $f$ ; $f$;"
                        + " select E'\\';'; select 1 /* ; /* ; */ ; */; select 2 -- ;\n"));
    }

    @Test
    void emptyStatementsAreLeftOutAndMarkersAreNotDollarQuotes() {
        assertEquals(List.of(), SqlSplitter.split(" ; ;-- nothing\n"));
        assertEquals(List.of("select $1, $2"), SqlSplitter.split("select $1, $2;"));
    }
}
