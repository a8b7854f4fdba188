package dev.cluda.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.cluda.config.CludaConfig;
import dev.cluda.config.TrainConfig;
import dev.cluda.model.ModelParameters;
import dev.cluda.model.PretrainedWeights;
import dev.cluda.model.SegmentationModel;
import dev.cluda.train.RandomStreams.Purpose;
import dev.cluda.transform.TransformedSample;
import dev.cluda.uda.CludaStep;
import dev.cluda.uda.StepResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The models, optimizer and step of one rank's training, and how one iteration runs: draw the
 * batches from (seed, rank, iteration), run {@link CludaStep} in a per-iteration sub-manager,
 * apply AdamW, zero the gradients. {@link Trainer} loops over it; {@code cluda bench step} times it.
 */
public final class TrainingSession implements AutoCloseable {

    private final CludaConfig config;
    private final TrainingData data;
    private final NDManager root;
    private final RandomStreams streams;
    private final SegmentationModel student;
    private final SegmentationModel teacher;
    private final GroupedAdamW optimizer;
    private final CludaStep step;
    private final List<Parameter> trainable = new ArrayList<>();

    private TrainingSession(CludaConfig config, TrainingData data, NDManager root, int rank, Consumer<String> log)
            throws IOException {
        this.config = config;
        this.data = data;
        this.root = root;
        TrainConfig train = config.train();
        this.streams = new RandomStreams(train.seed(), rank);
        student = SegmentationModel.createInitialized(config.model().spec(), train.seed(), root);
        if (config.model().hasPretrained()) {
            int n = PretrainedWeights.importEncoder(student, Path.of(config.model().pretrained()));
            log.accept("model: imported " + n + " encoder tensors from " + config.model().pretrained());
        }
        teacher = config.uda().enabled() ? frozenCopy(student, root) : null;
        SegmentationModel imagenet = config.uda().fdEnabled() ? frozenCopy(student, root) : null;
        for (Pair<String, Parameter> p : student.getParameters()) {
            if (p.getValue().requiresGradient()) {
                trainable.add(p.getValue());
            }
        }
        optimizer = TrainingComponents.optimizer(config, student);
        step = TrainingComponents.step(config, student, teacher, imagenet);
    }

    /** Builds the models (student, EMA teacher, frozen ImageNet encoder) in {@code root}. */
    public static TrainingSession open(CludaConfig config, TrainingData data, NDManager root, int rank,
                                       Consumer<String> log) throws IOException {
        GradMode.disableOnThisThread();
        return new TrainingSession(config, data, root, rank, log);
    }

    /** Runs iteration {@code t} (reference §1) including the optimizer step. */
    public StepResult iterate(long t) {
        TrainConfig train = config.train();
        try (NDManager stepManager = root.newSubManager()) {
            student.reseedDropout(streams.engineSeed(t));
            UdaDataSampler sampler = data.sampler();
            List<TransformedSample> source = sampler.sourceBatch(train.batchSize(),
                    streams.stream(t, Purpose.SOURCE_SAMPLING), streams.stream(t, Purpose.SOURCE_CROP));
            List<TransformedSample> target = config.uda().enabled()
                    ? sampler.targetBatch(train.batchSize(), streams.stream(t, Purpose.TARGET_SAMPLING),
                            streams.stream(t, Purpose.TARGET_CROP))
                    : List.of();
            StepResult result = step.run(stepManager, source, target, t, new CludaStep.Randomness(
                    streams.stream(t, Purpose.CLASS_MIX), streams.stream(t, Purpose.PHOTOMETRIC),
                    streams.stream(t, Purpose.CONTRASTIVE)));
            applyOptimizer(stepManager, t);
            return result;
        }
    }

    /** One AdamW step over every trainable parameter (reference §1 step 8), then zeroes the gradients. */
    private void applyOptimizer(NDManager stepManager, long t) {
        checkGradientsFinite(stepManager, t);
        for (Parameter p : trainable) {
            NDArray weight = p.getArray();
            NDArray grad = weight.getGradient();
            grad.attach(stepManager);
            optimizer.update(p.getId(), weight, grad);
            grad.set(new NDIndex("..."), 0f);
        }
    }

    /**
     * Finite losses can still give non-finite gradients (a square root at 0, an overflow in
     * backward): one reduction over all gradients checks them, and only on failure are the
     * parameters searched for the culprit, so the weights are never updated with NaN.
     */
    private void checkGradientsFinite(NDManager stepManager, long t) {
        NDArray total = null;
        for (Parameter p : trainable) {
            NDArray g = p.getArray().getGradient();
            g.attach(stepManager);
            NDArray s = g.abs().sum();
            total = total == null ? s : total.add(s);
        }
        if (total == null || Double.isFinite(total.getFloat())) {
            return;
        }
        for (Pair<String, Parameter> p : student.getParameters()) {
            if (!p.getValue().requiresGradient()) {
                continue;
            }
            NDArray g = p.getValue().getArray().getGradient();
            g.attach(stepManager);
            double v = g.abs().sum().getFloat();
            if (!Double.isFinite(v)) {
                throw new dev.cluda.uda.NonFiniteLossException("gradient of " + p.getKey(), t, v);
            }
        }
    }

    public SegmentationModel student() {
        return student;
    }

    /** The learning rate of the encoder's parameters at iteration {@code t} (the head's is ×{@code headLrMultiplier}). */
    public double encoderLearningRate(long t) {
        return optimizer.learningRate(student.getParameters().get(0).getKey(), t);
    }

    /** Writes a checkpoint of everything a resumed run needs; {@code next} is the next iteration to run. */
    public String save(CheckpointStore checkpoints, long next) throws IOException {
        try (NDManager sub = root.newSubManager()) {
            Map<String, NDList> parts = new LinkedHashMap<>();
            parts.put("student", ModelParameters.named(student));
            if (teacher != null) {
                parts.put("teacher", ModelParameters.named(teacher));
            }
            parts.put("optimizer", optimizer.stateDict(sub));
            return checkpoints.save(next, parts, Map.of("encoder", config.model().spec().encoder()));
        }
    }

    /** Restores the latest checkpoint if there is one; returns the iteration to continue at (0 if none). */
    public long restore(CheckpointStore checkpoints, String where, Consumer<String> log) throws IOException {
        try (NDManager sub = root.newSubManager()) {
            Optional<CheckpointStore.Checkpoint> latest = checkpoints.loadLatest(sub);
            if (latest.isEmpty()) {
                log.accept("resume: no checkpoint in " + where + "; starting from iteration 0");
                return 0;
            }
            CheckpointStore.Checkpoint c = latest.get();
            String source = where + "/" + CheckpointStore.DIR + " (iteration " + c.nextIteration() + ")";
            ModelParameters.load(student, require(c, "student", source), source);
            if (teacher != null) {
                ModelParameters.load(teacher, require(c, "teacher", source), source);
            }
            optimizer.loadStateDict(require(c, "optimizer", source));
            log.accept("resume: continuing at iteration " + c.nextIteration() + " from " + source);
            return c.nextIteration();
        }
    }

    @Override
    public void close() {
        optimizer.close();
    }

    private static NDList require(CheckpointStore.Checkpoint c, String part, String source) {
        NDList list = c.parts().get(part);
        if (list == null) {
            throw new IllegalStateException(source + " has no " + part + " state; it was written by another"
                    + " configuration (uda.enabled differs?)");
        }
        return list;
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
}
