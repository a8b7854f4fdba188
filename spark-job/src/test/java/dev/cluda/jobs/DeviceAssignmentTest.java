package dev.cluda.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.util.Map;
import org.apache.spark.resource.ResourceInformation;
import org.junit.jupiter.api.Test;

class DeviceAssignmentTest {

    private static ResourceInformation info(String name, String... addresses) {
        return new ResourceInformation(name, addresses);
    }

    @Test
    void forTask_noResources_cpu() {
        assertEquals(Device.cpu(), DeviceAssignment.forTask(Map.of()));
    }

    @Test
    void forTask_gpuThree_gpuThree() {
        Device d = DeviceAssignment.forTask(Map.of("gpu", info("gpu", "3")));
        assertEquals(Device.gpu(3), d);
        assertEquals(3, d.getDeviceId());
    }

    @Test
    void forTask_severalAddresses_first() {
        assertEquals(Device.gpu(1), DeviceAssignment.forTask(Map.of("gpu", info("gpu", " 1", "2"))));
    }

    @Test
    void forTask_otherResourceOrNoAddress_cpu() {
        assertEquals(Device.cpu(), DeviceAssignment.forTask(Map.of("fpga", info("fpga", "0"))));
        assertEquals(Device.cpu(), DeviceAssignment.forTask(Map.of("gpu", info("gpu"))));
    }

    @Test
    void forTask_nonNumericAddress_refusedNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DeviceAssignment.forTask(Map.of("gpu", info("gpu", "GPU-8f3a"))));
        assertTrue(e.getMessage().contains("GPU-8f3a"), e.getMessage());
    }
}
