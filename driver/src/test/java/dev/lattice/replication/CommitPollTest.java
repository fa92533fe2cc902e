package dev.lattice.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * A caught-up applier looks again on its own while commits keep coming, less often the denser they
 * come, and parks until woken once a look finds none.
 */
class CommitPollTest {

    @Test
    void looksLessOftenWhileEachLookFindsADenseStreamUpToTheLongestInterval() {
        CommitPoll poll = new CommitPoll();
        long c = 100;
        assertEquals(CommitPoll.FIRST_NANOS, poll.next(c), "the first look after start looks again soon");
        long expected = CommitPoll.FIRST_NANOS;
        for (int look = 0; look < 10; look++) {
            c += CommitPoll.DENSE;
            expected = Math.min(2 * expected, CommitPoll.MAX_NANOS);
            assertEquals(expected, poll.next(c), "look " + look);
        }
        assertEquals(CommitPoll.MAX_NANOS, expected, "ten doublings reach the longest interval");
    }

    @Test
    void aSparseStreamLooksSoonAndALookThatFindsNothingParksUntilWoken() {
        CommitPoll poll = new CommitPoll();
        long c = 7;
        poll.next(c);
        c += CommitPoll.DENSE;
        assertEquals(2 * CommitPoll.FIRST_NANOS, poll.next(c));
        c += 1; // fewer than DENSE: the interval starts over
        assertEquals(CommitPoll.FIRST_NANOS, poll.next(c));
        assertEquals(CommitPoll.UNTIL_WOKEN, poll.next(c), "no commit since the last look");
        assertEquals(CommitPoll.UNTIL_WOKEN, poll.next(c));
    }

    @Test
    void havingAppliedItLooksOnceMoreBeforeParking() {
        CommitPoll poll = new CommitPoll();
        poll.next(5);
        poll.applied(); // a session applied in its place: commits may still be coming
        assertEquals(CommitPoll.FIRST_NANOS, poll.next(5));
        assertEquals(CommitPoll.UNTIL_WOKEN, poll.next(5));
    }
}
