package dev.cluda.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cluda.config.CludaConfig;
import dev.cluda.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/k8s as a user runs it: the submit script (against a fake spark-submit) and the
 * SparkApplication both override the example config's relative roots and weights with valid keys,
 * set namespace, service account and memory overhead, and keep GPU executors on GPU nodes.
 */
class KubernetesDeployTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @TempDir
    Path tmp;

    @Test
    void submitScript_passesTheOverridesAndThePodSettings() throws Exception {
        Path root = DeployScripts.repoRoot();
        Path spark = tmp.resolve("spark");
        DeployScripts.executable(spark.resolve("bin"), "spark-submit", "for a in \"$@\"; do echo \"$a\"; done");
        DeployScripts.Result r = DeployScripts.run(tmp, null, env(spark), "bash",
                root.resolve("deploy/k8s/submit-train.sh").toString());
        assertEquals(0, r.exit(), r.err());
        List<String> args = r.out().lines().toList();
        for (String conf : List.of("spark.kubernetes.namespace=cluda",
                "spark.kubernetes.authenticate.driver.serviceAccountName=cluda-spark",
                "spark.executor.memoryOverhead=16g", "spark.executor.instances=4",
                "spark.kubernetes.executor.podTemplateFile=" + root.resolve("deploy/k8s/executor-pod-template.yaml"))) {
            assertTrue(args.contains(conf), conf + " missing: " + args);
        }
        List<String> sets = sets(args);
        assertEquals(List.of("distributed.ranks=4", "data.source.root=s3a://b/gta", "data.target.root=s3a://b/cs",
                "model.pretrained=s3a://b/mit_b5.safetensors"), sets);
        assertValidForTheExampleConfig(sets);
    }

    @Test
    void submitScript_withoutTheDataRoots_saysWhatToSet() throws Exception {
        Path spark = tmp.resolve("spark");
        DeployScripts.executable(spark.resolve("bin"), "spark-submit", "echo submitted");
        Map<String, String> env = env(spark);
        env.put("SOURCE_ROOT", null);
        DeployScripts.Result r = DeployScripts.run(tmp, null, env, "bash",
                DeployScripts.repoRoot().resolve("deploy/k8s/submit-train.sh").toString());
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("set SOURCE_ROOT"), r.err());
        assertTrue(r.out().isEmpty(), r.out());
    }

    @Test
    void sparkApplication_matchesTheScriptAndPodTemplate() throws IOException {
        Path k8s = DeployScripts.repoRoot().resolve("deploy/k8s");
        JsonNode app = YAML.readTree(k8s.resolve("sparkapplication-train.yaml").toFile());
        assertEquals("SparkApplication", app.get("kind").asText());
        assertEquals("sparkoperator.k8s.io/v1beta2", app.get("apiVersion").asText());
        JsonNode spec = app.get("spec");
        assertEquals("dev.cluda.cli.Cluda", spec.get("mainClass").asText());
        List<String> args = new ArrayList<>();
        spec.get("arguments").forEach(a -> args.add(a.asText()));
        assertEquals("train", args.get(0));
        List<String> sets = sets(args);
        assertValidForTheExampleConfig(sets);
        assertTrue(sets.contains("distributed.ranks=" + spec.at("/executor/instances").asInt()),
                "one rank per executor: " + sets);
        for (String key : List.of("data.source.root=", "data.target.root=", "model.pretrained=")) {
            assertTrue(sets.stream().anyMatch(s -> s.startsWith(key)), key + " not overridden: " + sets);
        }
        assertTrue(spec.at("/executor/memoryOverhead").asText().endsWith("g"), spec.toString());
        assertEquals("cluda-spark", spec.at("/driver/serviceAccount").asText());
        JsonNode pod = YAML.readTree(k8s.resolve("executor-pod-template.yaml").toFile());
        assertEquals(pod.at("/spec/tolerations"), spec.at("/executor/tolerations"));
        assertEquals(pod.at("/spec/nodeSelector"), spec.at("/executor/nodeSelector"));
        assertEquals("nvidia.com/gpu", pod.at("/spec/tolerations/0/key").asText());
    }

    /** The {@code --set} values of a cluda argument list. */
    private static List<String> sets(List<String> args) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i + 1 < args.size(); i++) {
            if (args.get(i).equals("--set")) {
                out.add(args.get(i + 1));
            }
        }
        return out;
    }

    /** The image's /opt/cluda/conf is this repository's conf/: the overrides must be valid keys and values for it. */
    private static void assertValidForTheExampleConfig(List<String> sets) {
        CludaConfig c = CludaConfig.from(ConfigLoader.load(
                DeployScripts.repoRoot().resolve("conf/gta2cs.conf").toFile(), sets));
        assertTrue(c.data().source().root().contains("://"), c.data().source().root());
        assertTrue(c.model().pretrained().contains("://"), c.model().pretrained());
    }

    private static Map<String, String> env(Path spark) {
        Map<String, String> env = new HashMap<>();
        env.put("SPARK_HOME", spark.toString());
        env.put("K8S_API", "https://api:6443");
        env.put("CLUDA_IMAGE", "registry/cluda-gpu:1");
        env.put("RUN", "s3a://b/runs/r1");
        env.put("SOURCE_ROOT", "s3a://b/gta");
        env.put("TARGET_ROOT", "s3a://b/cs");
        env.put("PRETRAINED", "s3a://b/mit_b5.safetensors");
        return env;
    }
}
