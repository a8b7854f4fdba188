package dev.cluda.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cluda.testing.IntegrationTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deploy/cluda-submit.sh} copied into a scratch checkout, with a fake {@code spark-submit}
 * in {@code SPARK_HOME} that prints one argument a line.
 */
@IntegrationTest
class ClusterSubmitScriptTest {

    @TempDir
    Path tmp;

    private Path checkout;
    private Path sparkHome;
    private Path jar;

    @BeforeEach
    void scratchCheckout() throws Exception {
        checkout = tmp.resolve("repo");
        Files.createDirectories(checkout.resolve("deploy"));
        for (String script : List.of("cluda-submit.sh", "getGpusResources.sh")) {
            Files.copy(DeployScripts.repoRoot().resolve("deploy").resolve(script),
                    checkout.resolve("deploy").resolve(script));
        }
        sparkHome = tmp.resolve("spark");
        DeployScripts.executable(sparkHome.resolve("bin"), "spark-submit", "for a in \"$@\"; do echo \"$a\"; done");
        jar = checkout.resolve("spark-job/target/cluda-spark-job-0.1-cluster.jar");
    }

    private DeployScripts.Result submit(Map<String, String> extraEnv, String... args) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("SPARK_HOME", sparkHome.toString());
        env.put("PYTORCH_LIBRARY_PATH", null);
        env.put("DJL_CACHE_DIR", null);
        env.putAll(extraEnv);
        String[] command = new String[args.length + 2];
        command[0] = "bash";
        command[1] = checkout.resolve("deploy/cluda-submit.sh").toString();
        System.arraycopy(args, 0, command, 2, args.length);
        return DeployScripts.run(tmp, null, env, command);
    }

    private void buildJar() throws Exception {
        Files.createDirectories(jar.getParent());
        Files.writeString(jar, "not really a jar");
    }

    private static List<String> lines(DeployScripts.Result r) {
        return r.out().lines().toList();
    }

    @Test
    void noJar_hintAndExitTwo() throws Exception {
        DeployScripts.Result r = submit(Map.of(), "--", "train");
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("mvn -Pcluster -DskipTests package"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void sparkOptionsBeforeJar_cludaArgumentsAfter() throws Exception {
        buildJar();
        DeployScripts.Result r = submit(Map.of(), "--master", "local[2]", "--conf", "spark.executor.memory=24g",
                "--", "train", "--config", "conf/synthetic.conf", "--out", "runs/r1");
        assertEquals(0, r.exit(), r.err());
        List<String> args = lines(r);
        int at = args.indexOf(jar.toString());
        assertTrue(at > 0, args.toString());
        List<String> before = args.subList(0, at);
        assertTrue(before.contains("spark.executor.memory=24g"), before.toString());
        assertEquals("local[2]", before.get(before.lastIndexOf("--master") + 1), before.toString());
        assertEquals(1, before.stream().filter("--master"::equals).count(), "one --master: " + before);
        assertEquals(List.of("train", "--config", "conf/synthetic.conf", "--out", "runs/r1"),
                args.subList(at + 1, args.size()));
    }

    @Test
    void noSeparator_allArgumentsToCludaOnLocalMaster() throws Exception {
        buildJar();
        DeployScripts.Result r = submit(Map.of(), "stats", "--config", "c.conf");
        assertEquals(0, r.exit(), r.err());
        List<String> args = lines(r);
        int at = args.indexOf(jar.toString());
        assertEquals(List.of("stats", "--config", "c.conf"), args.subList(at + 1, args.size()));
        assertEquals("local[*]", args.get(args.indexOf("--master") + 1));
    }

    @Test
    void sparkOptionWithoutSeparator_usageAndExitTwo() throws Exception {
        buildJar();
        DeployScripts.Result r = submit(Map.of(), "--master", "yarn", "train");
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("[spark-submit options] -- <cluda command"), r.err());
    }

    @Test
    void yarn_shipsDiscoveryScriptAndLibtorchEnvironment() throws Exception {
        buildJar();
        Map<String, String> env = new HashMap<>();
        env.put("PYTORCH_LIBRARY_PATH", "/opt/libtorch/lib");
        env.put("DJL_CACHE_DIR", "/tmp/djl");
        env.put("USER", null);
        DeployScripts.Result r = submit(env, "--master", "yarn", "--", "train");
        assertEquals(0, r.exit(), r.err());
        List<String> args = lines(r);
        String script = checkout.resolve("deploy/getGpusResources.sh").toString();
        String log4j = checkout.resolve("conf/log4j2.properties").toString();
        assertEquals(log4j + "," + script, args.get(args.indexOf("--files") + 1), args.toString());
        assertTrue(args.stream().anyMatch(a -> a.startsWith("spark.executor.extraJavaOptions=")
                && a.endsWith(" -Dlog4j2.configurationFile=log4j2.properties")), args.toString());
        assertTrue(args.stream().anyMatch(a -> a.startsWith("spark.driver.extraJavaOptions=")
                && a.endsWith(" -Dlog4j2.configurationFile=" + log4j)), args.toString());
        assertTrue(args.contains("spark.executor.resource.gpu.discoveryScript=./getGpusResources.sh"), args.toString());
        assertTrue(args.contains("spark.executorEnv.PYTORCH_LIBRARY_PATH=/opt/libtorch/lib"), args.toString());
        assertTrue(args.contains("spark.executorEnv.DJL_CACHE_DIR=/tmp/djl"), args.toString());
    }

    @Test
    void local_discoveryScriptByPathAndNoLibtorchEnvironment() throws Exception {
        buildJar();
        DeployScripts.Result r = submit(Map.of("PYTORCH_LIBRARY_PATH", "/opt/libtorch/lib"), "--", "train");
        assertEquals(0, r.exit(), r.err());
        List<String> args = lines(r);
        // only the log4j configuration is shipped: the executors here see this machine's files
        assertEquals(checkout.resolve("conf/log4j2.properties").toString(), args.get(args.indexOf("--files") + 1),
                args.toString());
        assertTrue(args.contains("spark.executor.resource.gpu.discoveryScript="
                + checkout.resolve("deploy/getGpusResources.sh")), args.toString());
        assertFalse(args.stream().anyMatch(a -> a.startsWith("spark.executorEnv.PYTORCH_LIBRARY_PATH")), args.toString());
    }

    @Test
    void yarnTrainExample_withoutUserOrRun_saysWhatToSet() throws Exception {
        Path root = DeployScripts.repoRoot();
        Map<String, String> env = new HashMap<>();
        env.put("USER", null);
        env.put("RUN", null);
        DeployScripts.Result r = DeployScripts.run(tmp, null, env, "bash",
                root.resolve("deploy/yarn/submit-train.sh").toString());
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("set RUN"), r.err());
        assertFalse(r.err().contains("unbound variable"), r.err());
    }
}
