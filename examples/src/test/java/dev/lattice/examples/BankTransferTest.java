package dev.lattice.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BankTransferTest {

    @Test
    void concurrentTransfersAtSerializableNeitherCreateNorLoseMoney() throws Exception {
        Output out = new Output();
        BankTransfer.Outcome outcome = BankTransfer.run(out.stream, "test_bank", 4, 25);
        String text = out.echo();
        assertEquals(BankTransfer.ACCOUNTS * BankTransfer.OPENING_BALANCE, outcome.totalBefore(), text);
        assertEquals(outcome.totalBefore(), outcome.totalAfter(), text);
        assertEquals(100, outcome.transfers(), text);
        assertTrue(text.contains("replica1=" + outcome.totalAfter()) && text.contains("replica2=" + outcome.totalAfter()),
                text);
    }

    @Test
    void theSameTransfersWithoutLocksLoseAnUpdate() throws Exception {
        Output out = new Output();
        BankTransfer.Outcome outcome = BankTransfer.run(out.stream, "test_bank_weak", 1, 1);
        String text = out.echo();
        assertEquals(100, outcome.totalAfterLostUpdate(), "money was created at CAUSAL: " + text);
    }
}
