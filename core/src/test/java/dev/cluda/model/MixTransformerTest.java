package dev.cluda.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.Pair;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import dev.cluda.testing.NDManagerExtension;

@ExtendWith(NDManagerExtension.class)
class MixTransformerTest {

    private NDManager manager;

    @BeforeEach
    void open(NDManager manager) {
        this.manager = manager;
    }

    private MixTransformer encoder(MitVariant variant, long seed) {
        MixTransformer encoder = MixTransformer.builder().setVariant(variant).optSeed(seed).build();
        encoder.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 32, 32));
        return encoder;
    }

    @ParameterizedTest
    @CsvSource({
        "MIT_B0, 3319392", "MIT_B1, 13151424", "MIT_B2, 24196288",
        "MIT_B3, 44072128", "MIT_B4, 60842688", "MIT_B5, 81443008"})
    void countTrainable_everyVariant_matchesSegFormer(MitVariant variant, long expected) {
        MixTransformer encoder = MixTransformer.builder().setVariant(variant).build();
        encoder.setInitializer(Initializer.ZEROS, p -> true); // counting only: skip the random draws
        encoder.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 32, 32));
        assertEquals(expected, ModelParameters.countTrainable(encoder));
    }

    @Test
    void features_b0_fourMapsAtStrides4To32() {
        MixTransformer encoder = encoder(MitVariant.MIT_B0, 1);
        NDArray image = manager.randomNormal(new Shape(2, 3, 64, 96));
        NDList out = encoder.features(new ParameterStore(manager, false), image, false);
        assertEquals(4, out.size());
        assertEquals(new Shape(2, 32, 16, 24), out.get(0).getShape());
        assertEquals(new Shape(2, 64, 8, 12), out.get(1).getShape());
        assertEquals(new Shape(2, 160, 4, 6), out.get(2).getShape());
        assertEquals(new Shape(2, 256, 2, 3), out.get(3).getShape());
        Shape[] predicted = encoder.getOutputShapes(new Shape[] {image.getShape()});
        for (int i = 0; i < 4; i++) {
            assertEquals(out.get(i).getShape(), predicted[i]);
        }
    }

    @Test
    void features_evalMode_isDeterministicAndTrainingModeDropsPaths() {
        MixTransformer encoder = MixTransformer.builder().setVariant(MitVariant.MIT_B0)
                .optDropPathRate(0.5).optSeed(3).build();
        encoder.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 32, 32));
        NDArray image = manager.randomNormal(new Shape(4, 3, 32, 32));
        ParameterStore ps = new ParameterStore(manager, false);
        float[] eval1 = encoder.features(ps, image, false).get(3).toFloatArray();
        float[] eval2 = encoder.features(ps, image, false).get(3).toFloatArray();
        assertArrayEquals(eval1, eval2);
        float[] train = encoder.features(ps, image, true).get(3).toFloatArray();
        assertFalse(java.util.Arrays.equals(eval1, train));
    }

    @Test
    void blockDropPathRates_b0_linearFromZeroToRate() {
        MixTransformer encoder = MixTransformer.builder().setVariant(MitVariant.MIT_B0).build();
        double[] rates = encoder.blockDropPathRates();
        assertEquals(8, rates.length);
        for (int i = 0; i < 8; i++) {
            assertEquals(0.1 * i / 7, rates[i], 1e-12);
        }
    }

    @Test
    void initialize_sameSeed_sameWeights_otherSeed_otherWeights() {
        float[] a = firstWeight(encoder(MitVariant.MIT_B0, 11));
        float[] b = firstWeight(encoder(MitVariant.MIT_B0, 11));
        float[] c = firstWeight(encoder(MitVariant.MIT_B0, 12));
        assertArrayEquals(a, b);
        assertNotEquals(a[0], c[0]);
    }

    @Test
    void initialize_followsMitInit() {
        MixTransformer encoder = encoder(MitVariant.MIT_B0, 5);
        for (Pair<String, Parameter> p : encoder.getParameters()) {
            float[] v = p.getValue().getArray().toFloatArray();
            String name = p.getKey();
            if (name.endsWith("gamma")) {
                assertTrue(allEqual(v, 1f), name);
            } else if (name.endsWith("beta") || name.endsWith("bias")) {
                assertTrue(allEqual(v, 0f), name);
            } else if (name.contains("_01q_") || name.contains("fc1")) {
                assertEquals(0.02, std(v), 0.004, name); // Linear: normal std 0.02
            }
        }
        // the stage-1 patch embedding conv: std √(2 / (7·7·32))
        float[] proj = encoder.getParameters().get("01stage1_01patchEmbed_01proj_weight").getArray().toFloatArray();
        assertEquals(Math.sqrt(2.0 / (7 * 7 * 32)), std(proj), 0.005);
    }

    @Test
    void parameterNames_normsContainNormAndNothingContainsHead() {
        MixTransformer encoder = encoder(MitVariant.MIT_B0, 0);
        for (Pair<String, Parameter> p : encoder.getParameters()) {
            String name = p.getKey();
            assertFalse(name.contains("head"), name);
            boolean isNorm = p.getValue().getType() == Parameter.Type.GAMMA || p.getValue().getType() == Parameter.Type.BETA;
            assertEquals(isNorm, name.contains("norm"), name);
        }
        assertTrue(encoder.getParameters().contains("01stage1_02block0_02attn_01q_weight"));
        assertTrue(encoder.getParameters().contains("04stage4_03block1_04mlp_02dwconv_bias"));
    }

    @Test
    void initialize_tooSmallInput_saysWhy() {
        MixTransformer encoder = MixTransformer.builder().setVariant(MitVariant.MIT_B0).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> encoder.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 16, 16)));
        assertTrue(e.getMessage().contains(">= 32"), e.getMessage());
    }

    @Test
    void builder_missingVariantOrBadRate_throws() {
        assertThrows(IllegalArgumentException.class, () -> MixTransformer.builder().build());
        assertThrows(IllegalArgumentException.class,
                () -> MixTransformer.builder().setVariant(MitVariant.MIT_B0).optDropPathRate(1.0).build());
    }

    private static float[] firstWeight(MixTransformer encoder) {
        return encoder.getParameters().get(0).getValue().getArray().toFloatArray();
    }

    private static boolean allEqual(float[] v, float x) {
        for (float f : v) {
            if (f != x) {
                return false;
            }
        }
        return true;
    }

    private static double std(float[] v) {
        double s = 0;
        double s2 = 0;
        for (float f : v) {
            s += f;
            s2 += (double) f * f;
        }
        double mean = s / v.length;
        return Math.sqrt(s2 / v.length - mean * mean);
    }
}
