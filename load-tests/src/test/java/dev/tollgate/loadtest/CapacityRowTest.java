package dev.tollgate.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** How a summary row names its rate: the rate that held, or the first step that already broke. */
class CapacityRowTest {
    @Test
    void aRateThatHeldIsPrinted() {
        assertEquals("6750", row(6750).rateText());
    }

    @Test
    void aRowWhoseFirstStepBrokeSaysSoInsteadOfZero() {
        assertEquals("< 2000", row(0).rateText());
    }

    private static Capacity.Row row(double held) {
        return new Capacity.Row("tg+redis", "grpc", held, 424, 8295, 26575, 0, 498.8, 351L << 20, 2000);
    }
}
