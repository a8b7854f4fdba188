package dev.cluda.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.pytorch.jni.JniUtils;
import dev.cluda.ndarray.GradMode;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;

/**
 * mmcv {@code ConvModule} as used by the DAFormer decoder (reference §6.2): Conv2d without bias, then
 * BatchNorm (eps 1e-5, torch momentum 0.1) and ReLU. Children {@code conv} and {@code bn}.
 * {@code (B, Cin, H, W)} → {@code (B, out, H', W')}.
 */
final class ConvBnRelu extends SingleInputBlock {

    private final Conv2d conv;
    private final BatchNorm bn;
    private final int atrousDepthwise;

    /**
     * @param groups 1 for a dense conv, {@code Cin} for a depthwise conv (then {@code out} must be Cin)
     */
    ConvBnRelu(int out, int kernel, int dilation, int groups, SeededInit init) {
        int pad = kernel == 1 ? 0 : dilation * (kernel / 2);
        atrousDepthwise = groups > 1 && groups == out && dilation > 1 && kernel > 1 ? dilation : 0;
        conv = addChildBlock("conv", Conv2d.builder()
                .setKernelShape(new Shape(kernel, kernel))
                .optPadding(new Shape(pad, pad))
                .optDilation(new Shape(dilation, dilation))
                .optGroups(groups)
                .optBias(false)
                .setFilters(out)
                .build());
        conv.setInitializer(init.convFanOut(1), Parameter.Type.WEIGHT);
        bn = addChildBlock("bn", BatchNorm.builder().optEpsilon(1e-5f).optMomentum(0.9f).build());
        bn.setInitializer(Initializer.ONES, Parameter.Type.GAMMA);
        bn.setInitializer(Initializer.ZEROS, Parameter.Type.BETA);
    }

    /**
     * Whether a dilated depthwise convolution takes {@link AtrousDepthwise}'s phase form: only on a CPU pass with
     * two or more intra-op threads. With one thread (each of the concurrent passes) libtorch's own dilated
     * kernel is faster in the step (544 against 628 ms, docs/BENCHMARKS.md), and a GPU has its own kernels.
     */
    static boolean phaseForm(Device device, int intraOpThreads) {
        return Device.Type.CPU.equals(device.getDeviceType()) && intraOpThreads >= 2;
    }

    @Override
    NDArray forwardArray(ParameterStore ps, NDArray x, boolean training) {
        NDArray y;
        NDArray weight;
        // the phase form pays off only where a weight gradient is computed (AtrousDepthwise): not for the
        // teacher, nor for any forward outside gradient recording (evaluation, inference)
        if (atrousDepthwise > 0 && phaseForm(x.getDevice(), JniUtils.getNumThreads()) && GradMode.isRecording()
                && (weight = ps.getValue(conv.getParameters().get("weight"), x.getDevice(), training)).hasGradient()) {
            y = AtrousDepthwise.apply(x, weight, atrousDepthwise);
        } else {
            y = conv.forward(ps, new NDList(x), training).head();
        }
        return Activation.relu(bn.forward(ps, new NDList(y), training).head());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return conv.getOutputShapes(inputShapes);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        conv.initialize(manager, dataType, inputShapes);
        bn.initialize(manager, dataType, conv.getOutputShapes(inputShapes));
    }
}
