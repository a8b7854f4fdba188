package dev.cluda.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import dev.cluda.testing.NDManagerExtension;

@ExtendWith(NDManagerExtension.class)
class SegmentationModelTest {

    private static final ModelSpec TINY = new ModelSpec("mit_b0", 16, 8, 5, 0.1);

    private NDManager manager;

    @BeforeEach
    void open(NDManager manager) {
        this.manager = manager;
    }

    @Test
    void forward_returnsLogitsAndFusedAtStride4() {
        SegmentationModel model = SegmentationModel.createInitialized(TINY, 1, manager);
        NDArray image = manager.randomNormal(new Shape(2, 3, 64, 32));
        NDList out = model.forward(new ParameterStore(manager, false), new NDList(image), false);
        assertEquals(2, out.size());
        assertEquals(new Shape(2, 5, 16, 8), out.get(0).getShape());
        assertEquals(new Shape(2, 8, 16, 8), out.get(1).getShape());
    }

    @Test
    void forwardAll_training_leavesOnlyItsOutputsOnThePassManager() {
        SegmentationModel model = SegmentationModel.createInitialized(TINY, 1, manager);
        try (NDManager pass = manager.newSubManager()) {
            NDArray image = pass.randomNormal(new Shape(2, 3, 64, 32));
            SegmentationModel.Output out;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                out = model.forwardAll(new ParameterStore(manager, false), image, true);
                // the image, logits, fused feature and the four stage maps; every block's temporaries are gone
                assertEquals(7, pass.getManagedArrays().size(), "arrays left on the pass's manager");
                gc.backward(out.logits().sum().add(out.fused().sum()));
            }
            assertEquals(new Shape(2, 5, 16, 8), out.logits().getShape());
            assertTrue(model.getParameters().valueAt(0).getArray().getGradient().abs().sum().getFloat() > 0);
        }
    }

    @Test
    void reseedDropout_sameSeed_sameTrainingOutput_otherSeed_different() {
        SegmentationModel model = SegmentationModel.createInitialized(new ModelSpec("mit_b0", 16, 8, 5, 0.5), 1, manager);
        NDArray image = manager.randomNormal(new Shape(2, 3, 64, 64));
        ParameterStore ps = new ParameterStore(manager, false);
        model.reseedDropout(7);
        float[] a = model.forward(ps, new NDList(image), true).get(0).toFloatArray();
        model.reseedDropout(7);
        float[] b = model.forward(ps, new NDList(image), true).get(0).toFloatArray();
        model.reseedDropout(8);
        float[] c = model.forward(ps, new NDList(image), true).get(0).toFloatArray();
        assertArrayEquals(a, b, 0f);
        assertFalse(java.util.Arrays.equals(a, c), "another seed must draw other masks");
    }

    @Test
    void setDropoutEnabled_false_trainingOutputIndependentOfSeed() {
        SegmentationModel model = SegmentationModel.createInitialized(new ModelSpec("mit_b0", 16, 8, 5, 0.5), 1, manager);
        NDArray image = manager.randomNormal(new Shape(2, 3, 64, 64));
        ParameterStore ps = new ParameterStore(manager, false);
        model.setDropoutEnabled(false);
        model.reseedDropout(7);
        float[] a = model.forward(ps, new NDList(image), true).get(0).toFloatArray();
        model.reseedDropout(8);
        float[] b = model.forward(ps, new NDList(image), true).get(0).toFloatArray();
        assertArrayEquals(a, b, 0f);
        // BatchNorm still normalises with batch statistics: training output differs from inference.
        float[] inference = model.forward(ps, new NDList(image), false).get(0).toFloatArray();
        assertFalse(java.util.Arrays.equals(a, inference));
    }

    @Test
    void forwardAll_andLastStageFeature_agreeWithForward() {
        SegmentationModel model = SegmentationModel.createInitialized(TINY, 1, manager);
        NDArray image = manager.randomNormal(new Shape(1, 3, 64, 64));
        ParameterStore ps = new ParameterStore(manager, false);
        SegmentationModel.Output all = model.forwardAll(ps, image, false);
        NDList plain = model.forward(ps, new NDList(image), false);
        assertArrayEquals(plain.get(0).toFloatArray(), all.logits().toFloatArray(), 1e-6f);
        assertArrayEquals(plain.get(1).toFloatArray(), all.fused().toFloatArray(), 1e-6f);
        NDArray last = model.lastStageFeature(ps, image, false);
        assertEquals(new Shape(1, 256, 2, 2), last.getShape());
        assertArrayEquals(all.lastStage().toFloatArray(), last.toFloatArray(), 1e-6f);
    }

    @Test
    void parameterNames_routeHeadAndNormForTheOptimizer() {
        SegmentationModel model = SegmentationModel.createInitialized(TINY, 1, manager);
        int head = 0;
        int encoder = 0;
        for (Pair<String, Parameter> p : model.getParameters()) {
            String name = p.getKey();
            boolean inHead = name.startsWith("02head_");
            assertTrue(inHead || name.startsWith("01encoder_"), name);
            assertEquals(inHead, name.contains("head"), name);
            if (inHead) {
                head++;
                assertFalse(name.contains("norm"), name);
            } else {
                encoder++;
            }
        }
        assertEquals(model.getEncoder().getParameters().size(), encoder);
        assertEquals(model.getHead().getParameters().size(), head);
    }

    @Test
    void backward_trainingPass_reachesEveryTrainableParameter() {
        SegmentationModel model = SegmentationModel.createInitialized(TINY, 2, manager);
        // 64×64 so every attention sees ≥ 2 keys (at 32×32 stage 1 reduces to one key and q gets no gradient)
        NDArray image = manager.randomNormal(new Shape(2, 3, 64, 64));
        try (NDManager step = manager.newSubManager()) {
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDList out = model.forward(new ParameterStore(step, false), new NDList(image), true);
                NDArray loss = out.get(0).square().mean().add(out.get(1).mean());
                gc.backward(loss);
            }
            for (Pair<String, Parameter> p : model.getParameters()) {
                if (p.getValue().requiresGradient()) {
                    NDArray grad = p.getValue().getArray().getGradient();
                    grad.attach(step);
                    assertTrue(grad.abs().sum().getFloat() > 0f, "no gradient reaches " + p.getKey());
                }
            }
        }
    }

    @Test
    void copy_isIdenticalAndIndependent() {
        SegmentationModel student = SegmentationModel.createInitialized(TINY, 4, manager);
        SegmentationModel teacher = student.copy(manager);
        NDArray image = manager.randomNormal(new Shape(1, 3, 32, 32));
        ParameterStore ps = new ParameterStore(manager, false);
        float[] a = student.forward(ps, new NDList(image), false).get(0).toFloatArray();
        float[] b = teacher.forward(ps, new NDList(image), false).get(0).toFloatArray();
        assertArrayEquals(a, b);
        Parameter sp = student.getParameters().get(0).getValue();
        Parameter tp = teacher.getParameters().get(0).getValue();
        assertNotSame(sp.getArray(), tp.getArray());
        float before = tp.getArray().toFloatArray()[0];
        sp.getArray().addi(1f);
        assertEquals(before, tp.getArray().toFloatArray()[0]);
    }

    @Test
    void copyValues_overwritesADifferentlySeededModel() {
        SegmentationModel a = SegmentationModel.createInitialized(TINY, 1, manager);
        SegmentationModel b = SegmentationModel.createInitialized(TINY, 2, manager);
        float[] first = a.getParameters().get(0).getValue().getArray().toFloatArray();
        assertFalse(java.util.Arrays.equals(first, b.getParameters().get(0).getValue().getArray().toFloatArray()));
        ModelParameters.copyValues(a, b);
        for (int i = 0; i < a.getParameters().size(); i++) {
            assertArrayEquals(a.getParameters().get(i).getValue().getArray().toFloatArray(),
                    b.getParameters().get(i).getValue().getArray().toFloatArray(), a.getParameters().get(i).getKey());
        }
    }

    @Test
    void copyValues_differentStructure_namesTheMismatch() {
        SegmentationModel a = SegmentationModel.createInitialized(TINY, 1, manager);
        SegmentationModel b = SegmentationModel.createInitialized(new ModelSpec("mit_b0", 16, 8, 6, 0.1), 1, manager);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelParameters.copyValues(a, b));
        assertTrue(e.getMessage().contains("cls_weight"), e.getMessage());
    }

    @Test
    void modelSpec_validation_namesTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ModelSpec("mit_b9", 16, 8, 5, 0.1));
        assertTrue(e.getMessage().contains("mit_b9") && e.getMessage().contains("mit_b0, mit_b1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ModelSpec("mit_b0", 0, 8, 5, 0.1));
        assertTrue(e.getMessage().startsWith("embedWidth"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ModelSpec("mit_b0", 16, -1, 5, 0.1));
        assertTrue(e.getMessage().startsWith("fusedWidth"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ModelSpec("mit_b0", 16, 8, 0, 0.1));
        assertTrue(e.getMessage().startsWith("numClasses"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ModelSpec("mit_b0", 16, 8, 5, 1.5));
        assertTrue(e.getMessage().startsWith("dropPathRate"), e.getMessage());
        assertEquals(MitVariant.MIT_B5, ModelSpec.paperScale(19).variant());
        assertEquals(512, ModelSpec.paperScale(19).embedWidth());
    }
}
