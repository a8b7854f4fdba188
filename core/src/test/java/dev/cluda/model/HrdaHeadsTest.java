package dev.cluda.model;

import dev.cluda.transform.DetailBox;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import dev.cluda.ndarray.HostArrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import dev.cluda.testing.NDManagerExtension;

/** The scale-attention and feature-weight heads on {@link SegmentationModel} (reference §6.3, §5.4). */
@ExtendWith(NDManagerExtension.class)
class HrdaHeadsTest {

    private static final ModelSpec TINY = new ModelSpec("mit_b0", 16, 8, 5, 0.1);
    private static final ModelSpec TINY_HRDA = TINY.withMultiResolutionHeads(true, 16, true);
    /** Names and float bits of every parameter of {@code TINY} at seed 1, taken before the HRDA heads existed. */
    private static final long SINGLE_RESOLUTION_FINGERPRINT = -1632794842440872780L;
    private static final int SINGLE_RESOLUTION_PARAMETERS = 226;

    private NDManager manager;

    @BeforeEach
    void open(NDManager manager) {
        this.manager = manager;
    }

    private static long fingerprint(PairList<String, Parameter> parameters, int count) {
        long h = 1125899906842597L;
        for (int i = 0; i < count; i++) {
            Pair<String, Parameter> p = parameters.get(i);
            h = 31 * h + p.getKey().hashCode();
            for (float v : p.getValue().getArray().toFloatArray()) {
                h = 31 * h + Float.floatToIntBits(v);
            }
        }
        return h;
    }

    private static Shape[] featureShapes(MitVariant v, int h, int w) {
        Shape[] s = new Shape[4];
        for (int i = 0; i < 4; i++) {
            s[i] = new Shape(1, v.dim(i), h / (4 << i), w / (4 << i));
        }
        return s;
    }

    @Test
    void optionsOff_sameParameterNamesAndValuesAsBefore() {
        for (ModelSpec spec : new ModelSpec[] {TINY, TINY.withMultiResolutionHeads(false, 64, false)}) {
            SegmentationModel model = SegmentationModel.createInitialized(spec, 1, manager);
            PairList<String, Parameter> params = model.getParameters();
            assertEquals(SINGLE_RESOLUTION_PARAMETERS, params.size());
            assertEquals(SINGLE_RESOLUTION_FINGERPRINT, fingerprint(params, params.size()));
            assertNull(model.getScaleAttentionHead());
            assertNull(model.getFeatureWeightHead());
        }
        assertEquals(TINY, new ModelSpec("mit_b0", 16, 8, 5, 0.1, false, 256, false));
    }

    @Test
    void optionsOn_existingParametersUnchanged_newHeadsAfterThemNamedHead() {
        SegmentationModel model = SegmentationModel.createInitialized(TINY_HRDA, 1, manager);
        PairList<String, Parameter> params = model.getParameters();
        assertEquals(SINGLE_RESOLUTION_FINGERPRINT, fingerprint(params, SINGLE_RESOLUTION_PARAMETERS));
        int attention = 0;
        int weight = 0;
        for (int i = SINGLE_RESOLUTION_PARAMETERS; i < params.size(); i++) {
            String name = params.get(i).getKey();
            assertTrue(name.contains("head"), name);
            assertFalse(name.contains("norm"), name);
            if (params.get(i).getValue().getType() == Parameter.Type.GAMMA) {
                assertTrue(name.endsWith("_05fusion_02bn_gamma"), name);
            }
            attention += name.startsWith("03scale_attention_head_") ? 1 : 0;
            weight += name.startsWith("04feature_weight_head_") ? 1 : 0;
        }
        assertEquals(model.getScaleAttentionHead().getParameters().size(), attention);
        assertEquals(model.getFeatureWeightHead().getParameters().size(), weight);
        assertEquals(params.size(), SINGLE_RESOLUTION_PARAMETERS + attention + weight);
        // the 1×1 fusion conv has no bias (BatchNorm follows)
        assertEquals(new Shape(16, 64, 1, 1),
                params.get("03scale_attention_head_05fusion_01conv_weight").getArray().getShape());
        assertFalse(params.contains("03scale_attention_head_05fusion_01conv_bias"));
        // one head on its own keeps its seed: the feature-weight head alone equals the one next to attention
        SegmentationModel weightOnly = SegmentationModel.createInitialized(
                TINY.withMultiResolutionHeads(false, 16, true), 1, manager);
        assertArrayEquals(model.getFeatureWeightHead().getParameters().get(0).getValue().getArray().toFloatArray(),
                weightOnly.getFeatureWeightHead().getParameters().get(0).getValue().getArray().toFloatArray());
    }

    @Test
    void parameterCounts_paperScaleHeads_derivedByHand() {
        // MiT-B5 dims 64/128/320/512, attention embed = fused width 256 (reference §6.3):
        //   embeddings, 1×1 conv with bias: (64 + 128 + 320 + 512)·256 + 4·256 = 262,144 + 1,024 = 263,168
        //   fusion, 1×1 conv 1024 → 256 without bias + BN γ, β: 262,144 + 512 = 262,656
        //   classifier, 1×1 conv with bias: 256·19 + 19 = 4,883 (K = 19), 256·1 + 1 = 257 (feature weight)
        //   scale attention 263,168 + 262,656 + 4,883 = 530,707; feature weight 263,168 + 262,656 + 257 = 526,081
        // (the same derivation with DAFormer's ASPP gives DaformerHeadTest's 3,712,275 on these dims)
        DaformerHead attention = SegmentationModel.auxiliaryHead(MitVariant.MIT_B5.dims(), 19, 256, 0);
        attention.setInitializer(Initializer.ZEROS, p -> true);
        attention.initialize(manager, DataType.FLOAT32, featureShapes(MitVariant.MIT_B5, 32, 32));
        assertEquals(530_707L, ModelParameters.countTrainable(attention));
        DaformerHead weight = SegmentationModel.auxiliaryHead(MitVariant.MIT_B5.dims(), 1, 256, 0);
        weight.setInitializer(Initializer.ZEROS, p -> true);
        weight.initialize(manager, DataType.FLOAT32, featureShapes(MitVariant.MIT_B5, 32, 32));
        assertEquals(526_081L, ModelParameters.countTrainable(weight));
        // on the tiny model (MiT-B0 32/64/160/256, width 16, K 5): 512·16 + 64 + 64·16 + 32 + 16·5 + 5 = 9,397
        SegmentationModel model = SegmentationModel.createInitialized(TINY_HRDA, 1, manager);
        assertEquals(9_397L, ModelParameters.countTrainable(model.getScaleAttentionHead()));
        assertEquals(9_397L - 85 + 17, ModelParameters.countTrainable(model.getFeatureWeightHead()));
    }

    @Test
    void asppFusion_explicitEqualsDefault() {
        DaformerHead byDefault = DaformerHead.builder().setInChannels(MitVariant.MIT_B0.dims()).setNumClasses(5)
                .optEmbedWidth(16).optFusedWidth(8).optSeed(3).build();
        DaformerHead explicit = DaformerHead.builder().setInChannels(MitVariant.MIT_B0.dims()).setNumClasses(5)
                .optEmbedWidth(16).optFusedWidth(8).optSeed(3).optFusion(DaformerHead.Fusion.ASPP).build();
        byDefault.initialize(manager, DataType.FLOAT32, featureShapes(MitVariant.MIT_B0, 32, 32));
        explicit.initialize(manager, DataType.FLOAT32, featureShapes(MitVariant.MIT_B0, 32, 32));
        assertEquals(fingerprint(byDefault.getParameters(), byDefault.getParameters().size()),
                fingerprint(explicit.getParameters(), explicit.getParameters().size()));
        assertEquals(DaformerHead.Fusion.ASPP, byDefault.getFusion());
    }

    @Test
    void scaleAttentionAndFeatureWeight_sigmoidAtStride4_orClearErrorWhenOff() {
        SegmentationModel model = SegmentationModel.createInitialized(TINY_HRDA, 1, manager);
        ParameterStore ps = new ParameterStore(manager, false);
        NDArray image = manager.randomNormal(new Shape(2, 3, 64, 32));
        NDList features = model.forwardAll(ps, image, false).encoderFeatures();
        NDArray a = model.scaleAttention(ps, features, false);
        NDArray w = model.featureWeight(ps, features, false);
        assertEquals(new Shape(2, 5, 16, 8), a.getShape());
        assertEquals(new Shape(2, 1, 16, 8), w.getShape());
        for (NDArray x : new NDArray[] {a, w}) {
            assertTrue(x.min().getFloat() > 0f && x.max().getFloat() < 1f);
        }
        SegmentationModel plain = SegmentationModel.createInitialized(TINY, 1, manager);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> plain.scaleAttention(ps, features, false));
        assertTrue(e.getMessage().contains("scaleAttention=true"), e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> plain.featureWeight(ps, features, false));
        assertTrue(e.getMessage().contains("featureWeightHead=true"), e.getMessage());
    }

    @Test
    void copyAndDropoutControls_coverTheNewHeads() {
        SegmentationModel model = SegmentationModel.createInitialized(TINY_HRDA, 1, manager);
        ParameterStore ps = new ParameterStore(manager, false);
        NDArray image = manager.randomNormal(new Shape(2, 3, 64, 64));
        NDList features = model.forwardAll(ps, image, false).encoderFeatures();
        SegmentationModel copy = model.copy(manager);
        assertArrayEquals(model.scaleAttention(ps, features, false).toFloatArray(),
                copy.scaleAttention(ps, features, false).toFloatArray());
        assertArrayEquals(model.featureWeight(ps, features, false).toFloatArray(),
                copy.featureWeight(ps, features, false).toFloatArray());
        model.reseedDropout(7);
        float[] a7 = model.scaleAttention(ps, features, true).toFloatArray();
        float[] w7 = model.featureWeight(ps, features, true).toFloatArray();
        model.reseedDropout(7);
        assertArrayEquals(a7, model.scaleAttention(ps, features, true).toFloatArray(), 0f);
        assertArrayEquals(w7, model.featureWeight(ps, features, true).toFloatArray(), 0f);
        model.reseedDropout(8);
        assertFalse(java.util.Arrays.equals(a7, model.scaleAttention(ps, features, true).toFloatArray()));
        assertFalse(java.util.Arrays.equals(w7, model.featureWeight(ps, features, true).toFloatArray()));
        model.setDropoutEnabled(false);
        model.reseedDropout(7);
        float[] off7 = model.scaleAttention(ps, features, true).toFloatArray();
        float[] offW7 = model.featureWeight(ps, features, true).toFloatArray();
        model.reseedDropout(8);
        assertArrayEquals(off7, model.scaleAttention(ps, features, true).toFloatArray(), 0f);
        assertArrayEquals(offW7, model.featureWeight(ps, features, true).toFloatArray(), 0f);
    }

    @Test
    void fusedCrossEntropy_backward_reachesEveryAttentionHeadParameter() {
        SegmentationModel model = SegmentationModel.createInitialized(TINY_HRDA, 2, manager);
        model.setDropoutEnabled(false); // a dropped channel would leave its BN γ, β without gradient
        NDArray image = manager.randomNormal(new Shape(2, 3, 64, 64));
        int k = 5;
        DetailBox box = new DetailBox(16, 16, 32, 32); // multiple of 8: HRDA order masks at LR stride 8
        float[] oneHot = new float[2 * k * 16 * 16];
        SplittableRandom random = new SplittableRandom(3);
        for (int b = 0; b < 2; b++) {
            for (int p = 0; p < 256; p++) {
                oneHot[(b * k + random.nextInt(k)) * 256 + p] = 1f;
            }
        }
        try (NDManager step = manager.newSubManager()) {
            ParameterStore ps = new ParameterStore(step, false);
            NDArray target = HostArrays.create(step, oneHot, new Shape(2, k, 16, 16));
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray lrImage = Bilinear.resize(image, 32, 32, false);
                SegmentationModel.Output lr = model.forwardAll(ps, lrImage, true);
                NDArray hrImage = image.get(":, :, 16:48, 16:48");
                NDArray hr = model.forwardAll(ps, hrImage, true).logits();
                NDArray att = model.scaleAttention(ps, lr.encoderFeatures(), true);
                NDArray fused = HrdaFusion.fuse(lr.logits(), hr, att, box, 0.5, HrdaFusion.Order.HRDA);
                assertEquals(new Shape(2, k, 16, 16), fused.getShape());
                NDArray ce = fused.logSoftmax(1).mul(target).sum().neg();
                gc.backward(ce);
            }
            for (Pair<String, Parameter> p : model.getScaleAttentionHead().getParameters()) {
                if (p.getValue().requiresGradient()) {
                    NDArray grad = p.getValue().getArray().getGradient();
                    grad.attach(step);
                    assertTrue(grad.abs().sum().getFloat() > 0f, "no gradient reaches " + p.getKey());
                }
            }
        }
    }
}
