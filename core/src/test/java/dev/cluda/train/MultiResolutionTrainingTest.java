package dev.cluda.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cluda.config.CludaConfig;
import dev.cluda.io.LocalFileStore;
import dev.cluda.testing.IntegrationTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HRDA + CLUDA through the Trainer on the tiny benchmark (64 context crops, 32 LR and detail
 * crops): a run interrupted and resumed ends with byte-identical checkpoints, and the run directory
 * holds the multi-resolution evaluation.
 */
@IntegrationTest
class MultiResolutionTrainingTest {

    @TempDir
    Path dir;

    private final LocalFileStore store = new LocalFileStore();

    static String[] hrda(String... extra) {
        List<String> all = new ArrayList<>(List.of("hrda.enabled=true", "hrda.detailCrop=[32,32]",
                "hrda.attentionEmbedWidth=16", "hrda.inference.window=[32,32]", "hrda.inference.stride=[32,32]",
                "hrda.eval.window=[64,64]", "hrda.eval.stride=[32,32]", "train.iters=4", "train.checkpointInterval=2",
                "eval.size=[]", "eval.interval=2"));
        all.addAll(List.of(extra));
        return all.toArray(String[]::new);
    }

    @Test
    void run_interruptedAndResumed_checkpointBytesEqualTheUninterruptedRun() throws IOException {
        Path data = dir.resolve("data");
        String a = dir.resolve("a").toString();
        String b = dir.resolve("b").toString();
        CludaConfig config = TinyExperiment.config(data, hrda());
        new Trainer(config, store, a, new Trainer.Listener() { }).run(false);
        assertThrows(IllegalStateException.class, () -> new Trainer(TinyExperiment.config(data,
                hrda("debug.failAtIteration=3")), store, b, new Trainer.Listener() { }).run(false));
        Trainer.Outcome resumed = new Trainer(config, store, b, new Trainer.Listener() { }).run(true);
        assertEquals(2, resumed.resumedFrom());
        for (String name : List.of("iter_00000002.ckpt", "iter_00000004.ckpt")) {
            assertArrayEquals(Files.readAllBytes(Path.of(a, "checkpoints", name)),
                    Files.readAllBytes(Path.of(b, "checkpoints", name)), name);
        }
        assertEquals(Files.readString(Path.of(a, "eval.json")), Files.readString(Path.of(b, "eval.json")));
        double mIoU = new ObjectMapper().readTree(Path.of(a, "eval.json").toFile()).get("mIoU").asDouble();
        assertTrue(mIoU >= 0 && mIoU <= 100, "mIoU " + mIoU);
        assertTrue(Files.readString(Path.of(a, "metrics.jsonl")).contains("loss.cl_mixed"));
    }
}
