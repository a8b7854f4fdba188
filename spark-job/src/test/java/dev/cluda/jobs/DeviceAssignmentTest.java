package dev.cluda.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.cluda.error.UserInputException;
import java.util.Map;
import org.apache.spark.resource.ResourceInformation;
import org.junit.jupiter.api.Test;

class DeviceAssignmentTest {

    private static ResourceInformation info(String name, String... addresses) {
        return new ResourceInformation(name, addresses);
    }

    private static Map<String, ResourceInformation> gpu(String... addresses) {
        return Map.of("gpu", info("gpu", addresses));
    }

    @Test
    void forTask_noResources_cpu() {
        assertEquals(Device.cpu(), DeviceAssignment.forTask(Map.of(), null));
    }

    @Test
    void forTask_gpuThree_gpuThree() {
        Device d = DeviceAssignment.forTask(gpu("3"), null);
        assertEquals(Device.gpu(3), d);
        assertEquals(3, d.getDeviceId());
    }

    @Test
    void forTask_severalAddresses_first() {
        assertEquals(Device.gpu(1), DeviceAssignment.forTask(gpu(" 1", "2"), null));
    }

    @Test
    void forTask_otherResourceOrNoAddress_cpu() {
        assertEquals(Device.cpu(), DeviceAssignment.forTask(Map.of("fpga", info("fpga", "0")), null));
        assertEquals(Device.cpu(), DeviceAssignment.forTask(gpu(), null));
    }

    @Test
    void forTask_indexIntoVisibleDevices_thatIndex() {
        // CUDA_VISIBLE_DEVICES=2,3: address 1 is physical GPU 3, which this process opens as device 1.
        assertEquals(Device.gpu(0), DeviceAssignment.forTask(gpu("0"), "2,3"));
        assertEquals(Device.gpu(1), DeviceAssignment.forTask(gpu("1"), "2,3"));
    }

    @Test
    void forTask_visibleDeviceValueAsAddress_userErrorSayingIndex() {
        UserInputException e = assertThrows(UserInputException.class,
                () -> DeviceAssignment.forTask(gpu("2"), "2,3"));
        assertTrue(e.getMessage().contains("CUDA_VISIBLE_DEVICES=2,3"), e.getMessage());
        assertTrue(e.getMessage().contains("indices"), e.getMessage());
    }

    @Test
    void forTask_uuidAddress_userErrorNamingItAndTheScript() {
        UserInputException e = assertThrows(UserInputException.class,
                () -> DeviceAssignment.forTask(gpu("GPU-8f3a1c2d-0000-1111-2222-333344445555"), null));
        assertTrue(e.getMessage().contains("GPU-8f3a1c2d"), e.getMessage());
        assertTrue(e.getMessage().contains("spark.executor.resource.gpu.discoveryScript"), e.getMessage());
        assertTrue(e.getMessage().contains("getGpusResources.sh"), e.getMessage());
    }

    @Test
    void forTask_migAddress_userErrorSayingCudaVisibleDevices() {
        UserInputException e = assertThrows(UserInputException.class,
                () -> DeviceAssignment.forTask(gpu("MIG-5c1f"), "MIG-5c1f"));
        assertTrue(e.getMessage().contains("MIG-5c1f"), e.getMessage());
        assertTrue(e.getMessage().contains("CUDA_VISIBLE_DEVICES"), e.getMessage());
    }

    @Test
    void forTask_otherNonNumericOrNegative_userError() {
        UserInputException e = assertThrows(UserInputException.class,
                () -> DeviceAssignment.forTask(gpu("cuda0"), null));
        assertTrue(e.getMessage().contains("cuda0"), e.getMessage());
        assertThrows(UserInputException.class, () -> DeviceAssignment.forTask(gpu("-1"), null));
    }
}
