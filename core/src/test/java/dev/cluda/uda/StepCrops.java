package dev.cluda.uda;

import dev.cluda.data.LabelMap;
import dev.cluda.transform.FloatImage;
import dev.cluda.transform.TransformedSample;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Inputs of the step tests: random normalised crops, labelled ones in four quadrants. */
final class StepCrops {

    private StepCrops() {
    }

    /** Two {@code size × size} crops; labelled ones are road / building / person / car quadrants. */
    static List<TransformedSample> crops(long seed, boolean labelled, int size) {
        SplittableRandom r = new SplittableRandom(seed);
        List<TransformedSample> out = new ArrayList<>();
        for (int b = 0; b < 2; b++) {
            float[] px = new float[3 * size * size];
            for (int i = 0; i < px.length; i++) {
                px[i] = (float) r.nextGaussian();
            }
            LabelMap label = null;
            if (labelled) {
                byte[] ids = new byte[size * size];
                int[] quadrant = {0, 2, 11, 13};
                for (int y = 0; y < size; y++) {
                    for (int x = 0; x < size; x++) {
                        ids[y * size + x] = (byte) quadrant[(y < size / 2 ? 0 : 2) + (x < size / 2 ? 0 : 1)];
                    }
                }
                label = new LabelMap(size, size, ids);
            }
            out.add(new TransformedSample(new FloatImage(3, size, size, px), label, null));
        }
        return out;
    }
}
