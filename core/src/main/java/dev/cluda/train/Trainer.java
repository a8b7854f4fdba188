package dev.cluda.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.cluda.config.CludaConfig;
import dev.cluda.config.TrainConfig;
import dev.cluda.config.UdaConfig;
import dev.cluda.data.CityscapesClass;
import dev.cluda.data.Sample;
import dev.cluda.data.SampleRef;
import dev.cluda.eval.ConfusionMatrix;
import dev.cluda.eval.EvalJson;
import dev.cluda.eval.EvalResult;
import dev.cluda.eval.SegmentationEvaluator;
import dev.cluda.io.FileStore;
import dev.cluda.model.ModelParameters;
import dev.cluda.model.PretrainedWeights;
import dev.cluda.model.SegmentationModel;
import dev.cluda.train.RandomStreams.Purpose;
import dev.cluda.uda.CludaStep;
import dev.cluda.uda.StepResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Trains one model in this process: builds the student, EMA teacher and frozen ImageNet encoder,
 * runs {@link CludaStep} for every iteration with random streams derived from (seed, rank,
 * iteration), applies AdamW, and writes the run directory of ARCHITECTURE.md ({@code config.conf},
 * {@code metrics.jsonl}, {@code eval.json}, {@code checkpoints/}). A resumed run continues from
 * the latest complete checkpoint and ends bit-identical to an uninterrupted one on CPU.
 */
public final class Trainer {

    /** Progress callbacks; all optional. */
    public interface Listener {
        default void message(String line) {
        }

        default void started(long firstIteration, long totalIterations) {
        }

        default void iteration(long iteration, StepResult result, double seconds) {
        }

        default void evaluated(EvalResult result) {
        }
    }

    /** How a run ended. */
    public record Outcome(long iterations, long resumedFrom, EvalResult lastEval, String runDir) {
    }

    /** Iterations between explicit collections: direct buffers behind created arrays are freed only by GC. */
    private static final int GC_INTERVAL = 50;

    private final CludaConfig config;
    private final FileStore store;
    private final String runDir;
    private final Listener listener;

    public Trainer(CludaConfig config, FileStore store, String runDir, Listener listener) {
        this.config = config;
        this.store = store;
        this.runDir = runDir;
        this.listener = listener;
    }

    /**
     * Runs the configured iterations.
     *
     * @param resume continue from the latest checkpoint in the run directory (fresh start if none)
     */
    public Outcome run(boolean resume) throws IOException {
        GradMode.disableOnThisThread();
        TrainConfig train = config.train();
        UdaConfig uda = config.uda();
        store.writeAtomically(store.resolve(runDir, "config.conf"), config.render().getBytes(StandardCharsets.UTF_8));
        TrainingData data = TrainingData.prepare(config, store, store.resolve(runDir, "rcs"), listener::message);
        RandomStreams streams = new RandomStreams(train.seed(), 0);
        CheckpointStore checkpoints = new CheckpointStore(store, runDir, train.keepCheckpoints());
        SegmentationEvaluator evaluator = new SegmentationEvaluator(config.eval().size());

        try (NDManager root = NDManager.newBaseManager()) {
            SegmentationModel student = SegmentationModel.createInitialized(config.model().spec(), train.seed(), root);
            if (config.model().hasPretrained()) {
                int n = PretrainedWeights.importEncoder(student, Path.of(config.model().pretrained()));
                listener.message("model: imported " + n + " encoder tensors from " + config.model().pretrained());
            }
            SegmentationModel teacher = uda.enabled() ? frozenCopy(student, root) : null;
            SegmentationModel imagenet = uda.fdEnabled() ? frozenCopy(student, root) : null;
            List<Parameter> trainable = trainable(student);
            try (GroupedAdamW optimizer = TrainingComponents.optimizer(config, student)) {
                CludaStep step = TrainingComponents.step(config, student, teacher, imagenet);
                long start = 0;
                if (resume) {
                    start = restore(checkpoints, root, student, teacher, optimizer);
                }
                MetricsLog metrics = start > 0
                        ? MetricsLog.resume(store, store.resolve(runDir, "metrics.jsonl"), start)
                        : MetricsLog.create(store, store.resolve(runDir, "metrics.jsonl"));
                listener.message(String.format("model: %s, %,d parameters (%,d encoder)", config.model().spec().encoder(),
                        ModelParameters.countTrainable(student), ModelParameters.countTrainable(student.getEncoder())));
                listener.started(start, train.iters());
                EvalResult lastEval = null;
                IntervalStats interval = new IntervalStats();
                for (long t = start; t < train.iters(); t++) {
                    long began = System.nanoTime();
                    StepResult result;
                    try (NDManager stepManager = root.newSubManager()) {
                        student.reseedDropout(streams.engineSeed(t));
                        var sampler = data.sampler();
                        var source = sampler.sourceBatch(train.batchSize(),
                                streams.stream(t, Purpose.SOURCE_SAMPLING), streams.stream(t, Purpose.SOURCE_CROP));
                        var target = uda.enabled() ? sampler.targetBatch(train.batchSize(),
                                streams.stream(t, Purpose.TARGET_SAMPLING), streams.stream(t, Purpose.TARGET_CROP))
                                : List.<dev.cluda.transform.TransformedSample>of();
                        result = step.run(stepManager, source, target, t, new CludaStep.Randomness(
                                streams.stream(t, Purpose.CLASS_MIX), streams.stream(t, Purpose.PHOTOMETRIC),
                                streams.stream(t, Purpose.CONTRASTIVE)));
                        applyOptimizer(optimizer, trainable, stepManager);
                    } catch (RuntimeException e) {
                        metrics.flush();
                        throw e;
                    }
                    double seconds = (System.nanoTime() - began) / 1e9;
                    interval.add(result, seconds);
                    listener.iteration(t, result, seconds);
                    boolean last = t + 1 == train.iters();
                    Map<String, Double> extra = new LinkedHashMap<>();
                    if ((t + 1) % config.eval().interval() == 0 || last) {
                        lastEval = evaluate(evaluator, student, data, root, t + 1);
                        EvalJson.write(store, store.resolve(runDir, EvalJson.FILE_NAME), lastEval);
                        extra.put("mIoU", lastEval.mIoU());
                        listener.evaluated(lastEval);
                    }
                    if ((t + 1) % train.logInterval() == 0 || last || !extra.isEmpty()) {
                        metrics.log(t, optimizer.learningRate(anyEncoderName(student), t), interval.meanLosses(),
                                interval.meanSeconds(), interval.meanPseudoConfidence(), extra);
                        metrics.flush();
                        interval = new IntervalStats();
                    }
                    if ((t + 1) % train.checkpointInterval() == 0 || last) {
                        saveCheckpoint(checkpoints, t + 1, student, teacher, optimizer, root);
                    }
                    if ((t + 1) % GC_INTERVAL == 0) {
                        System.gc();
                    }
                }
                String skipped = data.skippedSummary();
                if (!skipped.isEmpty()) {
                    listener.message("data: " + skipped);
                }
                return new Outcome(train.iters(), start, lastEval, runDir);
            }
        }
    }

    /** A copy of the student whose weights never receive gradients (EMA teacher, frozen ImageNet encoder). */
    private static SegmentationModel frozenCopy(SegmentationModel student, NDManager manager) {
        SegmentationModel copy = student.copy(manager);
        for (Pair<String, Parameter> p : copy.getParameters()) {
            p.getValue().getArray().setRequiresGradient(false);
        }
        copy.setDropoutEnabled(false);
        return copy;
    }

    private static List<Parameter> trainable(SegmentationModel model) {
        List<Parameter> out = new ArrayList<>();
        for (Pair<String, Parameter> p : model.getParameters()) {
            if (p.getValue().requiresGradient()) {
                out.add(p.getValue());
            }
        }
        return out;
    }

    /** One AdamW step over every trainable parameter (reference §1 step 8), then zeroes the gradients. */
    private static void applyOptimizer(GroupedAdamW optimizer, List<Parameter> params, NDManager step) {
        for (Parameter p : params) {
            NDArray weight = p.getArray();
            NDArray grad = weight.getGradient();
            grad.attach(step);
            optimizer.update(p.getId(), weight, grad);
            grad.set(new NDIndex("..."), 0f);
        }
    }

    private static String anyEncoderName(SegmentationModel student) {
        return student.getParameters().get(0).getKey();
    }

    private EvalResult evaluate(SegmentationEvaluator evaluator, SegmentationModel student, TrainingData data,
                                NDManager root, long iteration) throws IOException {
        ConfusionMatrix matrix = new ConfusionMatrix(CityscapesClass.COUNT);
        long images = 0;
        for (SampleRef ref : data.evalSamples()) {
            Optional<Sample> sample = data.readEval(ref);
            if (sample.isPresent()) {
                evaluator.accumulate(student, root, sample.get(), matrix);
                images++;
            }
        }
        return EvalResult.of((int) iteration, images, matrix);
    }

    private void saveCheckpoint(CheckpointStore checkpoints, long next, SegmentationModel student,
                                SegmentationModel teacher, GroupedAdamW optimizer, NDManager root) throws IOException {
        try (NDManager sub = root.newSubManager()) {
            Map<String, NDList> parts = new LinkedHashMap<>();
            parts.put("student", ModelParameters.named(student));
            if (teacher != null) {
                parts.put("teacher", ModelParameters.named(teacher));
            }
            parts.put("optimizer", optimizer.stateDict(sub));
            String path = checkpoints.save(next, parts, Map.of("encoder", config.model().spec().encoder()));
            listener.message("checkpoint: " + path);
        }
    }

    private long restore(CheckpointStore checkpoints, NDManager root, SegmentationModel student,
                         SegmentationModel teacher, GroupedAdamW optimizer) throws IOException {
        try (NDManager sub = root.newSubManager()) {
            Optional<CheckpointStore.Checkpoint> latest = checkpoints.loadLatest(sub);
            if (latest.isEmpty()) {
                listener.message("resume: no checkpoint in " + runDir + "; starting from iteration 0");
                return 0;
            }
            CheckpointStore.Checkpoint c = latest.get();
            String source = runDir + "/" + CheckpointStore.DIR + " (iteration " + c.nextIteration() + ")";
            ModelParameters.load(student, require(c, "student", source), source);
            if (teacher != null) {
                ModelParameters.load(teacher, require(c, "teacher", source), source);
            }
            optimizer.loadStateDict(require(c, "optimizer", source));
            listener.message("resume: continuing at iteration " + c.nextIteration() + " from " + source);
            return c.nextIteration();
        }
    }

    private static NDList require(CheckpointStore.Checkpoint c, String part, String source) {
        NDList list = c.parts().get(part);
        if (list == null) {
            throw new IllegalStateException(source + " has no " + part + " state; it was written by another"
                    + " configuration (uda.enabled differs?)");
        }
        return list;
    }
}
