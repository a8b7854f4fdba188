package dev.cluda.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cluda.testing.IntegrationTest;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code deploy/getGpusResources.sh} with a fake {@code nvidia-smi} that reports physical GPUs 0 to 3. */
@IntegrationTest
class GpuDiscoveryScriptTest {

    @TempDir
    Path tmp;

    private Path bin;

    @BeforeEach
    void fakeNvidiaSmi() throws Exception {
        bin = tmp.resolve("bin");
        DeployScripts.executable(bin, "nvidia-smi", "printf '0\\n1\\n2\\n3\\n'");
    }

    private DeployScripts.Result discover(String cudaVisibleDevices) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("CUDA_VISIBLE_DEVICES", cudaVisibleDevices);
        Path root = DeployScripts.repoRoot();
        return DeployScripts.run(root, bin, env, "bash", root.resolve("deploy/getGpusResources.sh").toString());
    }

    private void assertAddresses(String json, String cudaVisibleDevices) throws Exception {
        DeployScripts.Result r = discover(cudaVisibleDevices);
        assertEquals(0, r.exit(), r.err());
        assertEquals(json, r.out().trim(), r.err());
    }

    @Test
    void visibleDevicesTwoAndThree_indicesZeroAndOne() throws Exception {
        assertAddresses("{\"name\":\"gpu\",\"addresses\":[\"0\",\"1\"]}", "2,3");
    }

    @Test
    void oneVisibleDevice_indexZero() throws Exception {
        assertAddresses("{\"name\":\"gpu\",\"addresses\":[\"0\"]}", "3");
    }

    @Test
    void visibleUuids_indices() throws Exception {
        assertAddresses("{\"name\":\"gpu\",\"addresses\":[\"0\",\"1\",\"2\"]}",
                "GPU-aaaa,GPU-bbbb, GPU-cccc");
    }

    @Test
    void emptyVisibleDevices_noGpus() throws Exception {
        assertAddresses("{\"name\":\"gpu\",\"addresses\":[]}", "");
    }

    @Test
    void noVisibleDevices_nvidiaSmiIndices() throws Exception {
        assertAddresses("{\"name\":\"gpu\",\"addresses\":[\"0\",\"1\",\"2\",\"3\"]}", null);
    }

    @Test
    void noVisibleDevicesNorNvidiaSmi_failsSayingSo() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("CUDA_VISIBLE_DEVICES", null);
        env.put("PATH", "/usr/bin:/bin");
        Path root = DeployScripts.repoRoot();
        DeployScripts.Result r = DeployScripts.run(root, null, env, "bash",
                root.resolve("deploy/getGpusResources.sh").toString());
        if (r.exit() == 0) {
            return; // this machine has a real nvidia-smi on /usr/bin
        }
        assertTrue(r.err().contains("nvidia-smi"), r.err());
    }
}
