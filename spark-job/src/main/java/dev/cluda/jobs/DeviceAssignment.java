package dev.cluda.jobs;

import ai.djl.Device;
import java.util.Map;
import org.apache.spark.resource.ResourceInformation;

/**
 * The DJL device of one training task: the first GPU address Spark assigned to
 * the task ({@code spark.task.resource.gpu.amount=1} with a discovery script), else the CPU, so
 * the same code runs with and without GPUs.
 */
final class DeviceAssignment {

    /** Spark's resource name for GPUs. */
    public static final String GPU = "gpu";

    private DeviceAssignment() {
    }

    /**
     * {@code Device.gpu(id)} for the first address of the task's {@value #GPU} resource, else
     * {@code Device.cpu()}.
     *
     * @param resources the task's resources ({@code TaskContext.resourcesJMap()})
     * @throws IllegalArgumentException if a GPU address is not a non-negative integer (a discovery
     *     script must print addresses such as {@code ["0","1"]})
     */
    public static Device forTask(Map<String, ResourceInformation> resources) {
        ResourceInformation gpu = resources.get(GPU);
        if (gpu == null || gpu.addresses().length == 0) {
            return Device.cpu();
        }
        String address = gpu.addresses()[0].trim();
        int id;
        try {
            id = Integer.parseInt(address);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("GPU address '" + address + "' assigned to this task is not a device"
                    + " number; the GPU discovery script must print numeric addresses such as [\"0\", \"1\"]", e);
        }
        if (id < 0) {
            throw new IllegalArgumentException("GPU address " + id + " assigned to this task is negative; the GPU"
                    + " discovery script must print device numbers from 0");
        }
        return Device.gpu(id);
    }
}
