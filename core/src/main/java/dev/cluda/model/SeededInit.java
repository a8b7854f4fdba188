package dev.cluda.model;

import dev.cluda.ndarray.HostArrays;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.Initializer;
import java.util.random.RandomGenerator;

/**
 * Weight initializers drawing from one injected random source, in parameter-initialization order, so a
 * model built twice from the same seed gets identical weights without touching the engine's global seed.
 *
 * <p>The rules follow the reference implementations: MiT {@code _init_weights} (Linear: normal std 0.02,
 * SegFormer's trunc_normal at ±2 is 100σ so plain normal; Conv2d: normal std √(2/fan_out) with
 * fan_out = k·k·out/groups), mmcv {@code kaiming_init} for the decoder's ConvModules (fan_out = out·k·k),
 * torch's default {@code nn.Linear}/{@code nn.Conv2d} init (uniform ±1/√fan_in) for the DAFormer embedding,
 * and mmseg's {@code normal_init(conv_seg, std=0.01)}. Not thread-safe: initialize a model on one thread.
 */
final class SeededInit {

    private final RandomGenerator random;

    SeededInit(RandomGenerator random) {
        this.random = random;
    }

    /** Normal(0, std²) for any shape. */
    Initializer normal(double std) {
        return (manager, shape, dataType) -> create(manager, shape, dataType, gaussian(shape, std));
    }

    /** Normal(0, 2/fan_out) for a conv weight {@code (out, in/groups, kh, kw)}, fan_out = out·kh·kw/groups. */
    Initializer convFanOut(int groups) {
        return (manager, shape, dataType) -> {
            double fanOut = (double) shape.get(0) * shape.get(2) * shape.get(3) / groups;
            return create(manager, shape, dataType, gaussian(shape, Math.sqrt(2.0 / fanOut)));
        };
    }

    /** Uniform(−1/√fanIn, 1/√fanIn), torch's default for Linear and Conv weights and biases. */
    Initializer uniformFanIn(long fanIn) {
        double bound = 1.0 / Math.sqrt(fanIn);
        return (manager, shape, dataType) -> {
            float[] v = new float[Math.toIntExact(shape.size())];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
            }
            return create(manager, shape, dataType, v);
        };
    }

    private float[] gaussian(Shape shape, double std) {
        float[] v = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (random.nextGaussian() * std);
        }
        return v;
    }

    private static NDArray create(
            ai.djl.ndarray.NDManager manager, Shape shape, DataType dataType, float[] values) {
        NDArray array = HostArrays.create(manager, values, shape);
        return dataType == DataType.FLOAT32 ? array : array.toType(dataType, false);
    }
}
