package dev.lattice.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TimelineTest {

    @Test
    void monotonicReadsNeverGoBackInTime() throws Exception {
        Output out = new Output();
        Timeline.Outcome outcome = Timeline.run(out.stream, "test_timeline_monotonic", "MONOTONIC_READS");
        String text = out.echo();
        assertEquals(Timeline.REFRESHES, outcome.seen().size(), text);
        assertFalse(outcome.wentBackInTime(), text);
        assertEquals(6, outcome.afterCatchUp(), text);
    }

    @Test
    void eventualGoesBackInTimeWhenReplicasLagDifferently() throws Exception {
        Output out = new Output();
        Timeline.Outcome outcome = Timeline.run(out.stream, "test_timeline_eventual", "EVENTUAL");
        String text = out.echo();
        assertTrue(outcome.wentBackInTime(), text);
    }
}
