package dev.cluda.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RandomDropTest {

    @Test
    void dropChannels_zeroesWholeChannelsAndScalesTheRest() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.ones(new Shape(4, 50, 2, 3));
            float[] y = new RandomDrop(new SplittableRandom(1)).dropChannels(x, 0.5, true).toFloatArray();
            int dropped = 0;
            for (int c = 0; c < 200; c++) {
                float first = y[c * 6];
                for (int k = 0; k < 6; k++) {
                    assertEquals(first, y[c * 6 + k]); // a channel is all kept or all dropped
                }
                assertTrue(first == 0f || first == 2f, "value " + first);
                dropped += first == 0f ? 1 : 0;
            }
            assertTrue(dropped > 70 && dropped < 130, "dropped " + dropped + " of 200");
        }
    }

    @Test
    void dropPath_zeroesWholeSamples_identityOutsideTraining() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.ones(new Shape(64, 2, 2, 3));
            RandomDrop drop = new RandomDrop(new SplittableRandom(2));
            assertSame(x, drop.dropPath(x, 0.25, false));
            assertSame(x, drop.dropPath(x, 0.0, true));
            float[] y = drop.dropPath(x, 0.25, true).toFloatArray();
            for (int b = 0; b < 64; b++) {
                for (int k = 0; k < 12; k++) {
                    assertEquals(y[b * 12], y[b * 12 + k]);
                }
                assertTrue(y[b * 12] == 0f || Math.abs(y[b * 12] - 4 / 3f) < 1e-6, "value " + y[b * 12]);
            }
        }
    }
}
