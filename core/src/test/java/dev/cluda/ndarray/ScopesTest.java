package dev.cluda.ndarray;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import dev.cluda.testing.NDManagerExtension;

@ExtendWith(NDManagerExtension.class)
class ScopesTest {

    private NDManager manager;

    @BeforeEach
    void open(NDManager manager) {
        this.manager = manager;
    }

    @Test
    void apply_closesTemporaries_keepsInputAndResultOnTheCallersManager() {
        NDArray x = HostArrays.create(manager, new float[] {1f, 2f, 3f});
        List<NDArray> temporaries = new ArrayList<>();
        NDArray y = Scopes.apply(x, in -> {
            NDArray square = in.mul(in);
            NDArray plusOne = square.add(1);
            temporaries.add(square);
            temporaries.add(plusOne);
            return plusOne.mul(2);
        });
        assertArrayEquals(new float[] {4f, 10f, 20f}, y.toFloatArray(), 0f);
        assertSame(manager, y.getManager());
        assertSame(manager, x.getManager());
        assertArrayEquals(new float[] {1f, 2f, 3f}, x.toFloatArray(), 0f);
        for (NDArray t : temporaries) {
            assertTrue(t.isReleased(), "a temporary of the scope must be closed when it returns");
        }
        assertEquals(2, manager.getManagedArrays().size(), "only x and the result stay: " + manager.getManagedArrays());
    }

    @Test
    void apply_identityBody_returnsTheInputStillOpen() {
        NDArray x = HostArrays.create(manager, new float[] {5f});
        NDArray y = Scopes.apply(x, in -> in);
        assertSame(x, y);
        assertFalse(x.isReleased());
        assertSame(manager, x.getManager());
        assertArrayEquals(new float[] {5f}, x.toFloatArray(), 0f);
    }

    @Test
    void apply_closedTemporariesStillBackpropagate() {
        // d/dx sum(exp(x^2) * 3) = 6 x exp(x^2): the scope closes x^2 and exp(x^2), autograd keeps what it saved
        float[] values = {0.5f, -1f, 0.25f};
        NDArray x = HostArrays.create(manager, values);
        x.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray y = Scopes.apply(x, in -> Scalars.mul(in.mul(in).exp(), 3.0));
            System.gc();
            gc.backward(y.sum());
        }
        float[] grad = x.getGradient().toFloatArray();
        for (int i = 0; i < values.length; i++) {
            double expected = 6 * values[i] * Math.exp(values[i] * values[i]);
            assertEquals(expected, grad[i], 1e-5 * Math.abs(expected));
        }
    }

    @Test
    void applyList_returnsEveryOutputOnTheCallersManager() {
        NDArray a = HostArrays.create(manager, new float[] {1f, 2f});
        NDArray b = HostArrays.create(manager, new float[] {3f, 4f});
        NDList out = Scopes.apply(new NDList(a, b), in -> {
            NDArray sum = in.get(0).add(in.get(1));
            return new NDList(sum.mul(2), sum.neg());
        });
        assertArrayEquals(new float[] {8f, 12f}, out.get(0).toFloatArray(), 0f);
        assertArrayEquals(new float[] {-4f, -6f}, out.get(1).toFloatArray(), 0f);
        assertEquals(4, manager.getManagedArrays().size(), "the two inputs and two outputs stay");
    }

    @Test
    void applyList_inputsOnTwoManagers_namesTheStrayInput() {
        try (NDManager other = manager.newSubManager()) {
            NDArray a = HostArrays.create(manager, new float[] {1f});
            NDArray b = HostArrays.create(other, new float[] {2f, 3f});
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Scopes.apply(new NDList(a, b), in -> in));
            assertTrue(e.getMessage().contains("(2)"), e.getMessage());
        }
    }
}
