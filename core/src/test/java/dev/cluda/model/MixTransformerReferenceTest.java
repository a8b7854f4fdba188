package dev.cluda.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MiT-B0 forward against an independent NumPy port of SegFormer's {@code mix_transformer.py}
 * ({@code src/test/python/mit_b0_reference.py}, float64): same formula weights (imported through
 * {@link PretrainedWeights}) and input; the numbers below are that script's output.
 */
class MixTransformerReferenceTest {

    @TempDir
    Path dir;

    private static final long[][] SHAPES = {{1, 32, 16, 16}, {1, 64, 8, 8}, {1, 160, 4, 4}, {1, 256, 2, 2}};
    private static final double[] SUMS = {-108.037167, -28.697399, -1.999211, -3.841499};
    private static final double[] ABS_SUMS = {6845.506141, 3373.063488, 2090.708149, 847.687814};
    private static final double[][] PICKS = {
        {0.31159, -1.235916, -0.180448, -1.404441, 0.194346, 0.644268},
        {0.209247, 0.497053, 0.017453, 0.454997, -0.740802, -2.398934},
        {1.414764, 0.677751, 1.201465, 0.395662, 0.309334, -1.36102},
        {1.312882, 0.236804, -0.622758, -1.060635, 0.050551, 2.088503}
    };

    @Test
    void features_formulaWeights_matchNumpyPortOfSegFormer() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            MixTransformer encoder = MixTransformer.builder().setVariant(MitVariant.MIT_B0).build();
            encoder.setInitializer(Initializer.ZEROS, p -> true);
            encoder.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 32, 32));
            Path file = dir.resolve("formula.safetensors");
            TestWeights.writeSafetensors(file, TestWeights.encoderTensors(encoder));
            PretrainedWeights.importEncoder(encoder, file);

            float[] input = new float[3 * 64 * 64];
            for (int i = 0; i < input.length; i++) {
                input[i] = (float) (((i * 13L) % 101) - 50) / 50f;
            }
            NDArray image = manager.create(input, new Shape(1, 3, 64, 64));
            NDList out = encoder.features(new ParameterStore(manager, false), image, false);
            for (int s = 0; s < 4; s++) {
                assertEquals(new Shape(SHAPES[s]), out.get(s).getShape());
                float[] f = out.get(s).toFloatArray();
                double sum = 0;
                double abs = 0;
                for (float v : f) {
                    sum += v;
                    abs += Math.abs(v);
                }
                assertEquals(ABS_SUMS[s], abs, 1e-4 * ABS_SUMS[s], "stage " + (s + 1) + " sum |x|");
                assertEquals(SUMS[s], sum, 2e-3 * ABS_SUMS[s] / 100, "stage " + (s + 1) + " sum");
                for (int p = 0; p < 6; p++) {
                    int index = (int) ((double) p * (f.length - 1) / 5); // int(np.linspace(0, n - 1, 6))
                    assertEquals(PICKS[s][p], f[index], 2e-3, "stage " + (s + 1) + " element " + index);
                }
            }
        }
    }
}
