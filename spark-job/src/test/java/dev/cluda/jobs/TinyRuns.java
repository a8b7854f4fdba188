package dev.cluda.jobs;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.cluda.io.FileStore;
import dev.cluda.model.ModelParameters;
import dev.cluda.model.ModelSpec;
import dev.cluda.model.SegmentationModel;
import dev.cluda.synth.SynthSpec;
import dev.cluda.synth.SyntheticBenchmarkWriter;
import dev.cluda.rundir.CheckpointStore;
import dev.cluda.ndarray.GradMode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Test fixtures: a tiny synthetic benchmark and checkpoints of untrained tiny models (no training needed). */
final class TinyRuns {

    /** MiT-B0 with a 16-wide head: the smallest network the code builds. */
    static final ModelSpec SPEC = new ModelSpec("mit_b0", 16, 16, 19, 0.1);
    static final long STUDENT_SEED = 11;
    static final long TEACHER_SEED = 22;

    private TinyRuns() {
    }

    /** 1 source, 4 target-train and 2 target-val images of 128x64 below {@code root}; returns the target root. */
    static String writeBenchmark(FileStore store, String root) throws IOException {
        SyntheticBenchmarkWriter.write(new SynthSpec(3, 1, 4, 2, 128, 64, 1.0), store, root);
        return store.resolve(root, SyntheticBenchmarkWriter.TARGET_DIR);
    }

    /**
     * A checkpoint at iteration {@code iteration} in {@code runDir} holding a student drawn from
     * {@link #STUDENT_SEED} and, if asked, a different teacher drawn from {@link #TEACHER_SEED}.
     */
    static String writeCheckpoint(FileStore store, String runDir, long iteration, boolean teacher) throws IOException {
        GradMode.disableOnThisThread();
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDList> parts = new LinkedHashMap<>();
            parts.put("student", ModelParameters.named(SegmentationModel.createInitialized(SPEC, STUDENT_SEED, manager)));
            if (teacher) {
                parts.put("teacher", ModelParameters.named(SegmentationModel.createInitialized(SPEC, TEACHER_SEED, manager)));
            }
            return new CheckpointStore(store, runDir, 10).save(iteration, parts, Map.of("encoder", SPEC.encoder()));
        }
    }
}
