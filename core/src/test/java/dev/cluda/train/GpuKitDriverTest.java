package dev.cluda.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.cluda.testing.IntegrationTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CPU dry run of the GPU kit's driver itself: {@code deploy/gpu-kit/run-checks.sh} run from a
 * kit folder (the driver and the configurations; the classes come through {@code --extra-cp}, DJL's
 * bundled JNI and CPU libtorch through {@code --bundled-jni}, this JVM's {@code java} for the
 * jlinked one), so its argument handling, per-check JSON files and summary are what a GPU call
 * would produce. {@code assemble.sh} (jlink, 44 s) is run by hand, see deploy/gpu-kit/README.md.
 */
@IntegrationTest
class GpuKitDriverTest {

    @TempDir
    Path dir;

    @Test
    void runChecks_bundledJniOnCpu_writesEachCheckAndAnOkSummary() throws Exception {
        Path repo = Path.of("..").toAbsolutePath().normalize();
        Path driver = repo.resolve("deploy/gpu-kit/run-checks.sh");
        assertTrue(Files.isRegularFile(driver), "run the tests from the core module of the repository: " + driver);
        Path kit = Files.createDirectories(dir.resolve("kit"));
        Files.copy(driver, kit.resolve("run-checks.sh"));
        Files.createDirectories(kit.resolve("lib"));
        Path conf = Files.createDirectories(kit.resolve("conf"));
        try (var files = Files.list(repo.resolve("conf"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".conf")).toList()) {
                Files.copy(f, conf.resolve(f.getFileName()));
            }
        }
        Path out = dir.resolve("results");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder("bash", kit.resolve("run-checks.sh").toString(), "--bundled-jni",
                "--extra-cp", System.getProperty("java.class.path"), "--java", java, "--checks", "bench-tiny",
                "--budget", "240")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("driver.log").toFile());
        pb.environment().put("OUT", out.toString());
        pb.environment().put("TMPDIR", dir.toString());
        Process p = pb.start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the driver did not end within its budget");
        String log = Files.readString(dir.resolve("driver.log"));
        assertEquals(0, p.exitValue(), log);

        JsonObject summary = JsonParser.parseString(Files.readString(out.resolve("summary.json"))).getAsJsonObject();
        assertTrue(summary.get("ok").getAsBoolean(), summary.toString());
        assertEquals(List.of("bench-tiny"), List.copyOf(summary.getAsJsonObject("steps").keySet()));
        JsonObject bench = JsonParser.parseString(Files.readString(out.resolve("bench-tiny.json"))).getAsJsonObject();
        assertTrue(bench.get("ok").getAsBoolean(), bench.toString());
        assertTrue(bench.toString().contains("median"), bench.toString());
    }
}
