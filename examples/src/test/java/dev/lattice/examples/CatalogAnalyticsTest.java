package dev.lattice.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CatalogAnalyticsTest {

    @Test
    void replicasServeTheCatalogAndTheDashboardStaysWithinItsBound() throws Exception {
        Output out = new Output();
        CatalogAnalytics.Outcome outcome = CatalogAnalytics.run(out.stream, "test_catalog");
        String text = out.echo();
        assertEquals(CatalogAnalytics.PRODUCTS, outcome.catalogReplicaReads(), text);
        assertEquals(0, outcome.catalogPrimaryReads(), text);
        assertTrue(outcome.boundedCounts().stream()
                .allMatch(n -> CatalogAnalytics.ORDERS - n <= CatalogAnalytics.BOUND), text);
        assertTrue(outcome.eventualCounts().stream()
                .anyMatch(n -> CatalogAnalytics.ORDERS - n > CatalogAnalytics.BOUND), "EVENTUAL ignores the bound: " + text);
        assertEquals(CatalogAnalytics.ORDERS + CatalogAnalytics.BOUND + 1, outcome.fallbackCount(), text);
        assertEquals(1, outcome.fallbackPrimaryReads(), text);
    }
}
