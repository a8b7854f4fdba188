package dev.cluda.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cluda.data.LabelMap;
import dev.cluda.data.RgbImage;
import org.junit.jupiter.api.Test;

class FlipTest {

    @Test
    void draw_belowProbability_flips() {
        Flip flip = new Flip(0.5);
        assertTrue(flip.draw(new ScriptedRandom().withDoubles(0.49)));
        assertFalse(flip.draw(new ScriptedRandom().withDoubles(0.5)));
        assertFalse(new Flip(0).draw(new ScriptedRandom().withDoubles(0.0)));
    }

    @Test
    void horizontal_eachType_columnsReversed() {
        assertArrayEquals(new byte[] {2, 1, 0, 5, 4, 3},
                Flip.horizontal(new LabelMap(3, 2, new byte[] {0, 1, 2, 3, 4, 5})).ids());
        assertArrayEquals(new float[] {1, 0, 3, 2}, Flip.horizontal(new float[] {0, 1, 2, 3}, 2, 2));
        FloatImage img = new FloatImage(2, 1, 2, new float[] {0, 1, 2, 3});
        assertArrayEquals(new float[] {1, 0, 3, 2}, Flip.horizontal(img).data());
        RgbImage rgb = new RgbImage(2, 1, new byte[] {1, 2, 3, 4, 5, 6});
        assertArrayEquals(new byte[] {4, 5, 6, 1, 2, 3}, Flip.horizontal(rgb).rgb());
    }
}
