package dev.lattice.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SocialFeedTest {

    @Test
    void atCausalAReplyIsNeverVisibleBeforeItsPost() throws Exception {
        Output out = new Output();
        SocialFeed.Outcome outcome = SocialFeed.run(out.stream, "test_feed_causal", "CAUSAL");
        String text = out.echo();
        assertTrue(outcome.bobSawPost(), text);
        assertEquals(1, outcome.postsCarolSaw(), text);
        assertEquals(1, outcome.repliesCarolSaw(), text);
        assertFalse(outcome.orphanReply(), text);
    }

    @Test
    void atEventualWithLagTheReplyShowsUpWithoutItsPost() throws Exception {
        Output out = new Output();
        SocialFeed.Outcome outcome = SocialFeed.run(out.stream, "test_feed_eventual", "EVENTUAL");
        String text = out.echo();
        assertFalse(outcome.bobSawPost(), text);
        assertTrue(outcome.orphanReply(), text);
        assertTrue(text.contains("ANOMALY"), text);
    }
}
