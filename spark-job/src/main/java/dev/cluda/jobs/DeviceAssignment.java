package dev.cluda.jobs;

import ai.djl.Device;
import dev.cluda.error.UserInputException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.resource.ResourceInformation;

/**
 * The DJL device of one training task: the first GPU address Spark assigned to
 * the task ({@code spark.task.resource.gpu.amount=1} with a discovery script), else the CPU, so
 * the same code runs with and without GPUs.
 *
 * <p>A GPU address is an index into the devices this process sees, Spark's convention (as in
 * TorchDistributor and spark-rapids): with {@code CUDA_VISIBLE_DEVICES=2,3} the addresses are
 * {@code "0"} and {@code "1"}, because CUDA renumbers the visible devices from 0 and
 * {@code Device.gpu(i)} opens the i-th of them. {@code deploy/getGpusResources.sh} prints such
 * addresses.
 */
final class DeviceAssignment {

    /** Spark's resource name for GPUs. */
    public static final String GPU = "gpu";

    private static final String CONFIGURE = "; configure spark.executor.resource.gpu.discoveryScript with"
            + " deploy/getGpusResources.sh, or any script that prints indices into the visible devices such as"
            + " {\"name\":\"gpu\",\"addresses\":[\"0\",\"1\"]}";

    private DeviceAssignment() {
    }

    /**
     * {@code Device.gpu(i)} for the first address {@code i} of the task's {@value #GPU} resource,
     * else {@code Device.cpu()}; the visible devices are read from {@code CUDA_VISIBLE_DEVICES}.
     *
     * @param resources the task's resources ({@code TaskContext.resourcesJMap()})
     * @throws UserInputException if a GPU address is not an index into the visible devices (a
     *     UUID or MIG name, a negative number, or past the end of {@code CUDA_VISIBLE_DEVICES})
     */
    public static Device forTask(Map<String, ResourceInformation> resources) {
        return forTask(resources, System.getenv("CUDA_VISIBLE_DEVICES"));
    }

    /**
     * As {@link #forTask(Map)}, with the process's {@code CUDA_VISIBLE_DEVICES} given.
     *
     * @param cudaVisibleDevices its value, or null when unset (then the number of devices is unknown)
     */
    static Device forTask(Map<String, ResourceInformation> resources, String cudaVisibleDevices) {
        ResourceInformation gpu = resources.get(GPU);
        if (gpu == null || gpu.addresses().length == 0) {
            return Device.cpu();
        }
        String address = gpu.addresses()[0].trim();
        String upper = address.toUpperCase(Locale.ROOT);
        if (upper.startsWith("GPU-") || upper.startsWith("MIG-")) {
            throw new UserInputException("GPU address '" + address + "' assigned to this task is a device UUID or"
                    + " MIG name, but cluda opens GPUs by their index among the visible devices" + CONFIGURE
                    + "; for MIG, make the instance visible through CUDA_VISIBLE_DEVICES and use address 0");
        }
        int index;
        try {
            index = Integer.parseInt(address);
        } catch (NumberFormatException e) {
            throw new UserInputException("GPU address '" + address + "' assigned to this task is not a device"
                    + " index" + CONFIGURE, e);
        }
        if (index < 0) {
            throw new UserInputException("GPU address " + index + " assigned to this task is negative" + CONFIGURE);
        }
        if (cudaVisibleDevices != null) {
            // Catches a script that prints the CUDA_VISIBLE_DEVICES values instead of their positions.
            long visible = Arrays.stream(cudaVisibleDevices.split(",")).filter(s -> !s.isBlank()).count();
            if (index >= visible) {
                throw new UserInputException("GPU address " + index + " assigned to this task is past the "
                        + visible + " device(s) this executor sees (CUDA_VISIBLE_DEVICES=" + cudaVisibleDevices
                        + "); addresses are indices into that list, not its values" + CONFIGURE);
            }
        }
        return Device.gpu(index);
    }
}
