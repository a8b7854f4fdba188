package dev.cluda.train;

import dev.cluda.error.UserInputException;
import dev.cluda.ndarray.GradMode;
import dev.cluda.ndarray.Gradients;
import dev.cluda.io.FileStore;
import dev.cluda.rundir.CheckpointStore;
import dev.cluda.parallel.GradientScope;
import dev.cluda.parallel.DataParallel;
import dev.cluda.optim.GroupedAdamW;
import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.cluda.config.CludaConfig;
import dev.cluda.config.TrainConfig;
import dev.cluda.io.LocalCopy;
import dev.cluda.model.ModelParameters;
import dev.cluda.model.PretrainedWeights;
import dev.cluda.model.SegmentationModel;
import dev.cluda.train.RandomStreams.Purpose;
import dev.cluda.transform.TransformedSample;
import dev.cluda.uda.CludaStep;
import dev.cluda.uda.ConcurrentPasses;
import dev.cluda.uda.StepProfile;
import dev.cluda.uda.StepResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The models, optimizer and step of one rank's training, and how one iteration runs: draw the
 * batches from (seed, rank, iteration), run {@link CludaStep} (forward + backward) in a
 * per-iteration sub-manager under the JVM's {@link GradientScope}, then, with several ranks,
 * average gradients and BatchNorm statistics across ranks ({@link DataParallel#synchronize}, outside
 * the scope), apply AdamW, zero the gradients. {@link Trainer} loops over it; {@code cluda bench step}
 * times it. With one rank nothing is flattened or copied.
 */
public final class TrainingSession implements AutoCloseable {

    private final CludaConfig config;
    private final TrainingData data;
    private final NDManager root;
    private final RandomStreams streams;
    private final SegmentationModel student;
    private final SegmentationModel teacher;
    private final SegmentationModel imagenet;
    private final GroupedAdamW optimizer;
    private final CludaStep step;
    private final List<Parameter> trainable = new ArrayList<>();
    /** Runs the two halves of the optimizer step side by side (train.concurrentPasses on a CPU); or null. */
    private final ConcurrentPasses optimizerThreads;
    private final DataParallel parallel;
    private StepTimes lastTimes;
    private StepProfile profile = StepProfile.OFF;

    /**
     * Where the wall time of one iteration went, in nanoseconds: drawing and transforming the
     * batches, waiting for the JVM's gradient turn, forward + backward, the host copies of the
     * gradient synchronisation (both ways), the all-reduce (including waiting for the other ranks),
     * and the optimizer step (with the finiteness check and zeroing).
     */
    public record StepTimes(long sampleNanos, long lockWaitNanos, long computeNanos, long gradientCopyNanos,
                            long allReduceNanos, long optimizerNanos) {

        public long totalNanos() {
            return sampleNanos + lockWaitNanos + computeNanos + gradientCopyNanos + allReduceNanos + optimizerNanos;
        }
    }

    /** The source and target crops of one iteration. */
    record Batches(List<TransformedSample> source, List<TransformedSample> target) {
    }

    private TrainingSession(CludaConfig config, TrainingData data, NDManager root, DataParallel parallel,
                            Consumer<String> log) throws IOException {
        this.config = config;
        this.data = data;
        this.root = root;
        this.parallel = parallel;
        TrainConfig train = config.train();
        this.streams = new RandomStreams(train.seed(), parallel.rank());
        student = SegmentationModel.createInitialized(config.model().spec(), train.seed(), root);
        if (config.model().hasPretrained()) {
            int n;
            // any URI the data's store reads (s3a://, hdfs://); a remote file is copied locally for random access
            try (LocalCopy weights = LocalCopy.of(data.store(), config.model().pretrained())) {
                n = PretrainedWeights.importEncoder(student, weights.path());
            }
            log.accept("model: imported " + n + " encoder tensors from " + config.model().pretrained());
        }
        if (config.model().hasInit()) {
            // before the copies, so the EMA teacher and the FD reference start from the same weights (§2.1, §4)
            initialiseFrom(data.store(), config.model().init(), config.model().initIsCheckpointFile(), student, root, log);
        }
        teacher = config.uda().enabled() ? frozenCopy(student, root) : null;
        imagenet = config.uda().fdEnabled() ? frozenCopy(student, root) : null;
        for (Pair<String, Parameter> p : student.getParameters()) {
            if (p.getValue().requiresGradient()) {
                trainable.add(p.getValue());
            }
        }
        optimizer = TrainingComponents.optimizer(config, student);
        // one rank per JVM only: ranks sharing a JVM (local mode, tests) would change each other's BLAS
        // thread count while their passes run, and with it the order of float additions in GEMMs
        boolean concurrent = config.train().concurrentPasses() && parallel.size() == 1;
        step = TrainingComponents.step(config, student, teacher, imagenet, concurrent);
        optimizerThreads = concurrent && ConcurrentPasses.worthwhile(
                student.getParameters().valueAt(0).getArray().getDevice().getDeviceType().equals(Device.Type.CPU))
                ? new ConcurrentPasses() : null;
    }

    /**
     * Builds the models (student, EMA teacher, frozen ImageNet encoder) of rank
     * {@code parallel.rank()} in {@code root}: its random streams are (seed, rank), and every
     * iteration averages gradients and BatchNorm statistics across the ranks before the optimizer
     * (nothing is copied with one rank). Every rank must open its session on the thread that will
     * iterate it (libtorch's gradient mode is per thread) and start from the same seed or checkpoint.
     *
     * @param data this rank's data ({@link TrainingData#prepare} with this rank)
     */
    public static TrainingSession open(CludaConfig config, TrainingData data, NDManager root, DataParallel parallel,
                                       Consumer<String> log) throws IOException {
        GradMode.disableOnThisThread();
        return new TrainingSession(config, data, root, parallel, log);
    }

    /** Times the phases of every following iteration ({@code cluda bench step --profile}); OFF by default. */
    void profile(StepProfile profile) {
        this.profile = profile;
    }

    /** Runs iteration {@code t} (reference §1) including the optimizer step. */
    public StepResult iterate(long t) {
        long start = System.nanoTime();
        Batches batches = drawBatches(t);
        return iterate(t, batches, System.nanoTime() - start);
    }

    /** Iteration {@code t} on given crops instead of drawn ones (tests with deterministic inputs). */
    StepResult iterate(long t, Batches batches) {
        return iterate(t, batches, 0);
    }

    private StepResult iterate(long t, Batches batches, long sampleNanos) {
        try (NDManager stepManager = root.newSubManager()) {
            long t0 = System.nanoTime();
            long[] began = new long[1];
            StepResult result = GradientScope.run(() -> {
                began[0] = System.nanoTime();
                return compute(stepManager, t, batches);
            });
            long t1 = System.nanoTime();
            DataParallel.SyncTimes sync = synchronize(stepManager);
            long t2 = System.nanoTime();
            applyOptimizer(stepManager, t);
            long t3 = System.nanoTime();
            lastTimes = new StepTimes(sampleNanos, began[0] - t0, t1 - began[0], sync.copyNanos(),
                    sync.allReduceNanos(), t3 - t2);
            return result;
        }
    }

    /** The crops of iteration {@code t}, drawn from this rank's streams. */
    Batches drawBatches(long t) {
        TrainConfig train = config.train();
        UdaDataSampler sampler = data.sampler();
        List<TransformedSample> source = sampler.sourceBatch(train.batchSize(),
                streams.stream(t, Purpose.SOURCE_SAMPLING), streams.stream(t, Purpose.SOURCE_CROP));
        List<TransformedSample> target = config.uda().enabled()
                ? sampler.targetBatch(train.batchSize(), t, streams.stream(t, Purpose.TARGET_SAMPLING),
                        streams.stream(t, Purpose.TARGET_CROP))
                : List.of();
        if (t == config.debug().nonFiniteAtIteration()) {
            source.get(0).image().data()[0] = Float.NaN;
        }
        return new Batches(source, target);
    }

    /**
     * Forward + backward of iteration {@code t}: the student's gradients hold this rank's sum of
     * all terms afterwards. Call it inside {@link GradientScope#run}.
     */
    StepResult compute(NDManager stepManager, long t, Batches batches) {
        student.reseedDropout(streams.engineSeed(t));
        TrainConfig train = config.train();
        // probed on the iterations whose metrics line is written, so each line shows its own step's norms
        boolean probe = config.debug().gradientNorms()
                && ((t + 1) % train.logInterval() == 0 || t + 1 == train.iters());
        return step.run(stepManager, batches.source(), batches.target(), t, new CludaStep.Randomness(
                streams.stream(t, Purpose.CLASS_MIX), streams.stream(t, Purpose.PHOTOMETRIC),
                streams.stream(t, Purpose.CONTRASTIVE), streams.stream(t, Purpose.MASKING),
                streams.stream(t, Purpose.DETAIL_CROP)), probe, profile);
    }

    /** With several ranks: gradients and BatchNorm statistics averaged across ranks; else nothing. */
    DataParallel.SyncTimes synchronize(NDManager stepManager) {
        return parallel.synchronize(student, teacher, stepManager);
    }

    /** Where the time of the last {@link #iterate} went; null before the first. */
    public StepTimes lastStepTimes() {
        return lastTimes;
    }

    /**
     * Fails on every rank if the student's or the teacher's weights differ between ranks (reference
     * §13, "Data-parallel replicas"); a no-op with one rank.
     *
     * @throws IllegalStateException naming the ranks that differ and the iteration
     */
    public void verifyReplicasIdentical(long iteration) {
        if (parallel.size() == 1) {
            return;
        }
        try {
            parallel.verifyIdentical(student, teacher);
        } catch (IllegalStateException e) {
            throw new IllegalStateException("after iteration " + iteration + ": " + e.getMessage(), e);
        }
    }

    /**
     * One AdamW step over every trainable parameter that has a gradient (reference §1 step 8; like
     * PyTorch's AdamW, a parameter no loss reached is left alone), then zeroes the gradients.
     */
    void applyOptimizer(NDManager stepManager, long t) {
        checkGradientsFinite(stepManager, t);
        if (optimizerThreads != null) {
            // every parameter's update is independent of the others': two halves, alternating, one per thread
            optimizerThreads.run(() -> {
                update(stepManager, 1);
                return null;
            }, () -> update(stepManager, 0));
        } else {
            update(stepManager, 0);
            update(stepManager, 1);
        }
    }

    /** AdamW on the trainable parameters {@code half}, {@code half} + 2, ...; then zeroes their gradients. */
    private void update(NDManager stepManager, int half) {
        for (int i = half; i < trainable.size(); i += 2) {
            NDArray weight = trainable.get(i).getArray();
            NDArray grad = Gradients.of(weight);
            if (grad == null) {
                continue;
            }
            grad.attach(stepManager);
            optimizer.update(trainable.get(i).getId(), weight, grad);
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
            NDArray g = Gradients.of(p.getArray());
            if (g == null) {
                continue;
            }
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
            NDArray g = Gradients.of(p.getValue().getArray());
            if (g == null) {
                continue;
            }
            g.attach(stepManager);
            double v = g.abs().sum().getFloat();
            if (!Double.isFinite(v)) {
                throw new dev.cluda.uda.NonFiniteLossException("gradient of " + p.getKey(), t, v);
            }
        }
    }

    /** This rank's place in the data-parallel run (one rank alone for a run in this process). */
    public DataParallel parallel() {
        return parallel;
    }

    public SegmentationModel student() {
        return student;
    }

    /** The frozen feature-distance reference (the ImageNet stand-in, §4), or null without FD. */
    SegmentationModel imagenet() {
        return imagenet;
    }

    /** The EMA teacher, or null without UDA. */
    public SegmentationModel teacher() {
        return teacher;
    }

    /** Each loss term's weight in {@code total} ({@link CludaStep#termWeights}), for the report's loss curves. */
    public Map<String, Double> lossWeights() {
        return step.termWeights();
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
            Optional<CheckpointStore.Checkpoint> latest = checkpoints.loadLatest(sub, log);
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
            throw new UserInputException(source + " has no " + part + " state; it was written by another"
                    + " configuration (uda.enabled differs?)");
        }
        return list;
    }

    /**
     * Overwrites {@code student} with the student weights of {@code model.init}: a checkpoint file,
     * or a run directory's latest loadable checkpoint. Optimizer state and iteration stay fresh;
     * a resumed run restores its own checkpoint over these afterwards, keeping the FD reference.
     *
     * @throws UserInputException naming the file if it holds no student or one of another architecture
     */
    private static void initialiseFrom(FileStore store, String init, boolean checkpointFile, SegmentationModel student,
                                       NDManager root, Consumer<String> log)
            throws IOException {
        try (NDManager sub = root.newSubManager()) {
            CheckpointStore.Checkpoint c;
            String source;
            if (checkpointFile) {
                if (!store.exists(init)) {
                    throw new UserInputException("model.init: checkpoint " + init + " does not exist");
                }
                c = new CheckpointStore(store, init, 0).load(init, sub);
                source = init;
            } else {
                if (!store.isDirectory(init)) {
                    throw new UserInputException("model.init: " + init + " is neither a run directory nor an"
                            + " iter_*.ckpt file");
                }
                CheckpointStore checkpoints = new CheckpointStore(store, init, Integer.MAX_VALUE);
                Optional<CheckpointStore.Checkpoint> latest = checkpoints.loadLatest(sub, log);
                if (latest.isEmpty()) {
                    throw new UserInputException("model.init: run directory " + init + " has no checkpoint in "
                            + CheckpointStore.DIR + "/");
                }
                c = latest.get();
                source = checkpoints.fileOf(c.nextIteration());
            }
            ModelParameters.load(student, require(c, "student", source), source);
            log.accept("model: initialised from the student of " + source + " (iteration " + c.nextIteration()
                    + "; optimizer and iteration start fresh)");
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
}
