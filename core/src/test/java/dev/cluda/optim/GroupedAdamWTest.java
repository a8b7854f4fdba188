package dev.cluda.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.LocalParameterServer;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GroupedAdamWTest {

    private static final String HEAD = "02head_conv_weight";
    private static final String NORM = "01enc_norm1_gamma";
    private static final String PLAIN = "01enc_qkv_weight";

    /** base 0.1, T = 100, power 1, no warm-up: lr(0) = 0.1, lr(1) = 0.099. */
    private final LearningRateSchedule schedule = new LearningRateSchedule(0.1, 100, 1.0, 0.0, 0, 1e-6);

    private NDManager manager;
    private ParameterList params;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
        params = new ParameterList();
        params.add(HEAD, param(new float[] {1f, -2f}));
        params.add(NORM, param(new float[] {3f}));
        params.add(PLAIN, param(new float[] {4f}));
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    private Parameter param(float[] values) {
        NDArray a = manager.create(values);
        a.setRequiresGradient(true);
        return Parameter.builder().setName("w").setType(Parameter.Type.WEIGHT).optArray(a).build();
    }

    private NDArray array(String name) {
        return params.get(name).getArray();
    }

    private void step(GroupedAdamW opt, String name, float... grad) {
        opt.update(params.get(name).getId(), array(name), manager.create(grad));
    }

    private GroupedAdamW optimizer() {
        return GroupedAdamW.builder().setParameters(params).setSchedule(schedule).build();
    }

    @Test
    void update_twoSteps_matchPytorchAdamW() {
        // Expected: torch.optim.AdamW formula evaluated in double by hand (python):
        // head: lr 10 * 0.1, wd 0.01; norm: lr 0.1, wd 0.
        try (GroupedAdamW opt = optimizer()) {
            step(opt, HEAD, 0.5f, 0.1f);
            step(opt, NORM, -1f);
            // step 1: p(1 - lr wd) - lr * g / (|g| + eps): 0.99 - 0.5/(0.5+1e-8), -1.98 - 0.1/(0.1+1e-8)
            assertArrayEquals(new float[] {-0.00999998f, -2.9799999f}, array(HEAD).toFloatArray(), 1e-6f);
            assertArrayEquals(new float[] {3.1f}, array(NORM).toFloatArray(), 1e-6f);

            step(opt, HEAD, -0.3f, 0.2f);
            step(opt, NORM, 0.25f);
            // step 2 (lr 0.99 / 0.099): m = (0.015, 0.029), v = (3.3975e-4, 4.999e-5); norm m = -0.065, v = 1.0615e-3
            assertArrayEquals(new float[] {-0.19948403f, -3.90602805f}, array(HEAD).toFloatArray(), 2e-6f);
            assertArrayEquals(new float[] {3.14647735f}, array(NORM).toFloatArray(), 2e-6f);
            assertEquals(2, opt.stepCount(HEAD));
            assertEquals(0, opt.stepCount(PLAIN));
        }
    }

    @Test
    void update_zeroGradient_onlyDecayActs_headTenTimesLr_normNoDecay() {
        // With g = 0, m = v = 0 and the Adam term is 0 / (0 + eps) = 0: p <- p (1 - lr wd).
        try (GroupedAdamW opt = optimizer()) {
            step(opt, HEAD, 0f, 0f);
            step(opt, NORM, 0f);
            step(opt, PLAIN, 0f);
            assertArrayEquals(new float[] {1f * (1 - 1.0f * 0.01f), -2f * (1 - 1.0f * 0.01f)},
                    array(HEAD).toFloatArray(), 1e-7f);
            assertArrayEquals(new float[] {3f}, array(NORM).toFloatArray(), 0f);
            assertArrayEquals(new float[] {4f * (1 - 0.1f * 0.01f)}, array(PLAIN).toFloatArray(), 1e-7f);
            assertEquals(1.0, opt.learningRate(HEAD, 0), 1e-12);
            assertEquals(0.1, opt.learningRate(PLAIN, 0), 1e-12);
            assertEquals(0.0, opt.weightDecay(NORM));
            assertEquals(0.01, opt.weightDecay(HEAD), 1e-9);
        }
    }

    @Test
    void update_throughDjlParameterStore_firstStepMovesByLrTimesSignAfterDecay() {
        // y = x W^T + b summed: dL/dW = x = (1, -2), dL/db = 1. First Adam step: m^/sqrt(v^) = sign(g).
        SequentialBlock block = new SequentialBlock().add(Linear.builder().setUnits(1).build());
        block.initialize(manager, DataType.FLOAT32, new Shape(1, 2));
        NDArray weight = block.getParameters().get(0).getValue().getArray();
        float[] w0 = weight.toFloatArray();
        try (GroupedAdamW opt = GroupedAdamW.builder().setParameters(block.getParameters()).setSchedule(schedule)
                .build()) {
            ParameterStore store = new ParameterStore(manager, false);
            store.setParameterServer(new LocalParameterServer(opt), new Device[] {manager.getDevice()});
            try (NDScope scope = new NDScope()) { // the optimizer state is created inside a step scope
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray x = manager.create(new float[] {1f, -2f}, new Shape(1, 2));
                    collector.backward(block.forward(store, new NDList(x), true).singletonOrThrow().sum());
                }
                store.updateAllParameters();
            }
            float decay = 1 - 0.1f * 0.01f;
            assertArrayEquals(new float[] {w0[0] * decay - 0.1f, w0[1] * decay + 0.1f}, weight.toFloatArray(), 1e-6f);
            assertEquals(1, opt.stepCount(block.getParameters().get(0).getKey()));
            store.updateAllParameters(); // the state survived the scope
            assertEquals(2, opt.stepCount(block.getParameters().get(0).getKey()));
        }
    }

    @Test
    void loadStateDict_restoredOptimizer_continuesIdentically() {
        float[] expected;
        NDList saved;
        try (GroupedAdamW first = optimizer()) {
            step(first, NORM, -1f);
            saved = first.stateDict(manager);
            NDList decoded = NDList.decode(manager, saved.encode());
            assertEquals(NORM + GroupedAdamW.EXP_AVG, decoded.get(0).getName());
            assertArrayEquals(new float[] {-0.1f}, decoded.get(NORM + GroupedAdamW.EXP_AVG).toFloatArray(), 1e-7f);
            assertArrayEquals(new float[] {0.001f}, decoded.get(NORM + GroupedAdamW.EXP_AVG_SQ).toFloatArray(), 1e-9f);
            assertEquals(1L, decoded.get(NORM + GroupedAdamW.STEP).getLong());
            saved = decoded;
            float before = array(NORM).getFloat(0);
            step(first, NORM, 0.25f);
            expected = array(NORM).toFloatArray();
            array(NORM).set(new float[] {before});
        }
        try (GroupedAdamW second = optimizer()) {
            second.loadStateDict(saved);
            assertEquals(1, second.stepCount(NORM));
            step(second, NORM, 0.25f);
            assertArrayEquals(expected, array(NORM).toFloatArray(), 0f);
        }
    }

    /**
     * The state is copied both ways: a decoded checkpoint's float32 arrays live in Java buffers
     * freed with them, so a loaded state that shared their storage would turn to garbage after a
     * garbage collection (seen as a resumed run's optimizer moments of 1e27).
     */
    @Test
    void loadStateDictAndStateDict_copyTheArrays_shareNoStorage() {
        try (GroupedAdamW first = optimizer(); GroupedAdamW second = optimizer()) {
            step(first, NORM, -1f);
            NDList decoded = NDList.decode(manager, first.stateDict(manager).encode());
            second.loadStateDict(decoded);
            decoded.get(NORM + GroupedAdamW.EXP_AVG).addi(100f);
            NDList state = second.stateDict(manager);
            assertArrayEquals(new float[] {-0.1f}, state.get(NORM + GroupedAdamW.EXP_AVG).toFloatArray(), 1e-7f);
            step(second, NORM, 0.25f);
            assertArrayEquals(new float[] {-0.1f}, state.get(NORM + GroupedAdamW.EXP_AVG).toFloatArray(), 1e-7f);
        }
    }

    @Test
    void loadStateDict_unknownParameterName_throws() {
        try (GroupedAdamW opt = optimizer()) {
            NDArray m = manager.create(new float[] {0f});
            m.setName("other" + GroupedAdamW.EXP_AVG);
            assertThrows(IllegalArgumentException.class, () -> opt.loadStateDict(new NDList(m)));
        }
    }

    @Test
    void update_unknownParameterId_throws() {
        try (GroupedAdamW opt = optimizer()) {
            assertThrows(IllegalArgumentException.class,
                    () -> opt.update("nope", array(HEAD), manager.create(new float[] {0f, 0f})));
        }
    }

    @Test
    void build_withoutSchedule_throws() {
        assertThrows(IllegalArgumentException.class, () -> GroupedAdamW.builder().setParameters(params).build());
    }
}
