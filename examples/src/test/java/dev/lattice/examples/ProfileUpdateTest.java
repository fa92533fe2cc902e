package dev.lattice.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ProfileUpdateTest {

    @Test
    void readYourWritesHoldsAcrossAPoolByTokenOrSharedScope() throws Exception {
        Output out = new Output();
        ProfileUpdate.Outcome outcome = ProfileUpdate.run(out.stream, "test_profiles");
        String text = out.echo();
        assertEquals("alice", outcome.withoutHandOff(), "without a hand-off the lagging replica is read: " + text);
        assertEquals("Alice L.", outcome.withToken(), text);
        assertEquals("Alice Pleasance Liddell", outcome.withSharedScope(), text);
    }
}
