package dev.cluda.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cluda.testing.IntegrationTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every shell script in the repository passes shellcheck; skipped where shellcheck is not installed. */
@IntegrationTest
class ShellcheckTest {

    @Test
    void scripts_passShellcheck() throws Exception {
        boolean installed = false;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            installed |= !dir.isEmpty() && Files.isExecutable(Path.of(dir, "shellcheck"));
        }
        assumeTrue(installed, "shellcheck is not installed");
        Path root = DeployScripts.repoRoot();
        DeployScripts.Result r = DeployScripts.run(root, null, Map.of(), "bash", "-c",
                "shellcheck deploy/*.sh deploy/*/*.sh bin/cluda");
        assertEquals(0, r.exit(), r.out() + r.err());
    }
}
