package dev.lattice.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class InventoryTest {

    @Test
    void serializableSellsNoMoreThanTheStock() throws Exception {
        Output out = new Output();
        Inventory.Outcome outcome = Inventory.run(out.stream, "test_inventory_serializable", "SERIALIZABLE", 1, 3);
        String text = out.echo();
        assertFalse(outcome.oversold(), text);
        assertEquals(1, outcome.orders(), text);
        assertEquals(0, outcome.stockLeft(), text);
    }

    @Test
    void serializableSellsExactlyTheStockToManyBuyers() throws Exception {
        Output out = new Output();
        Inventory.Outcome outcome = Inventory.run(out.stream, "test_inventory_many", "SERIALIZABLE", 2, 4);
        String text = out.echo();
        assertEquals(2, outcome.orders(), text);
        assertEquals(0, outcome.stockLeft(), text);
    }

    @Test
    void eventualOversells() throws Exception {
        Output out = new Output();
        Inventory.Outcome outcome = Inventory.run(out.stream, "test_inventory_eventual", "EVENTUAL", 1, 3);
        String text = out.echo();
        assertTrue(outcome.oversold(), text);
        assertEquals(3, outcome.orders(), text);
        assertTrue(text.contains("OVERSOLD"), text);
    }

    @Test
    void strongReadsAreFreshButStillOversell() throws Exception {
        Output out = new Output();
        Inventory.Outcome outcome = Inventory.run(out.stream, "test_inventory_strong", "STRONG", 1, 3);
        assertTrue(outcome.oversold(), out.echo());
    }
}
