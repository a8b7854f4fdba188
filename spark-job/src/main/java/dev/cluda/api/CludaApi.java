package dev.cluda.api;

import dev.cluda.config.CludaConfig;
import dev.cluda.error.Causes;
import dev.cluda.eval.ClassTable;
import dev.cluda.eval.EvalResult;
import dev.cluda.io.FileStore;
import dev.cluda.io.HadoopFileStore;
import dev.cluda.io.OutputDirectory;
import dev.cluda.jobs.CheckpointLocation;
import dev.cluda.jobs.CheckpointWeights;
import dev.cluda.jobs.ConfigFiles;
import dev.cluda.jobs.DistributedEvalJob;
import dev.cluda.jobs.PredictJob;
import dev.cluda.jobs.ProgressLines;
import dev.cluda.jobs.SparkSessions;
import dev.cluda.jobs.TrainingRun;
import dev.cluda.rundir.RunReport;
import dev.cluda.synth.SynthSpec;
import dev.cluda.synth.SynthSummary;
import dev.cluda.synth.SyntheticBenchmarkWriter;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.spark.sql.SparkSession;

/**
 * CLUDA from a notebook: the jobs behind {@code cluda synth}, {@code train}, {@code eval} and
 * {@code predict}, run on a Spark session the notebook already holds, returning result records
 * instead of exit codes; and a run's {@code report.html} to show. Each method calls the code its
 * command calls ({@link TrainingRun}, {@link DistributedEvalJob}, {@link PredictJob},
 * {@link SyntheticBenchmarkWriter}), so a run started here is the run {@code cluda train} makes.
 * Paths are local paths or Hadoop URIs ({@code hdfs://}, {@code s3a://}), read with the session's
 * Hadoop configuration plus the S3 settings of the environment.
 *
 * <p>In a Zeppelin {@code %spark} paragraph ({@code deploy/zeppelin/cluda.zpln}):
 *
 * <pre>{@code
 * val cluda = dev.cluda.api.CludaApi.on(spark)
 * val tiny = Seq("synth.sourceImages=6", "train.iters=40", "data.source.root=/tmp/cluda/synthetic",
 *                "data.target.root=/tmp/cluda/synthetic")
 * cluda.synth("/tmp/cluda/synthetic", tiny: _*)
 * val run = cluda.train("/opt/cluda/conf/synthetic.conf", "/tmp/cluda/runs/tiny", tiny: _*)
 * val eval = cluda.evaluate(run.runDir)
 * println(cluda.classTable(eval))
 * val predicted = cluda.predict(run.runDir, "/tmp/cluda/synthetic/cityscapes/leftImg8bit/val", "/tmp/cluda/pred")
 * println("%html " + cluda.report(run.runDir).iframe(900))
 * }</pre>
 *
 * <p>Errors are exceptions, never an exit: a mistake the user can fix (a bad key or value, a
 * missing or malformed file, an output folder in the way) is thrown as the project's
 * {@link dev.cluda.error.UserError} ({@code UserInputException}, {@code InvalidFileException}) or a
 * {@link FileNotFoundException}, its message naming the key or file; when a Spark job on the
 * executors threw it, it is taken out of Spark's {@code SparkException}. Messages name the
 * command's options ({@code --out}, {@code --overwrite}): here they are the method's parameters and
 * {@link #overwriting()}. Any other {@link IOException} (network, S3, a lost executor) may succeed
 * when retried.
 *
 * <p>Instances are immutable; {@link #logTo} and {@link #overwriting} return changed copies.
 */
public final class CludaApi {

    private final SparkSession spark;
    private final FileStore store;
    private final Consumer<String> log;
    private final boolean overwrite;

    private CludaApi(SparkSession spark, FileStore store, Consumer<String> log, boolean overwrite) {
        this.spark = spark;
        this.store = store;
        this.log = log;
        this.overwrite = overwrite;
    }

    /**
     * The API on a running session ({@code spark} in a Zeppelin {@code %spark} paragraph), logging
     * progress to {@code System.out} as it is at each line (Zeppelin points it at the running
     * paragraph's output), refusing to replace existing output.
     *
     * @throws IllegalArgumentException if the S3 environment variables are malformed
     */
    public static CludaApi on(SparkSession spark) {
        Objects.requireNonNull(spark, "spark: pass the running SparkSession (spark in a %spark paragraph)");
        return new CludaApi(spark, HadoopFileStore.forSession(spark), line -> System.out.println(line), false);
    }

    /** A copy that sends progress and messages, one line each, to {@code log} instead. */
    public CludaApi logTo(Consumer<String> log) {
        return new CludaApi(spark, store, Objects.requireNonNull(log, "log"), overwrite);
    }

    /**
     * A copy whose {@link #synth}, {@link #train} and {@link #predict} replace output that is in
     * the way (the commands' {@code --overwrite}): a run directory or prediction folder that holds
     * files is deleted first, a folder holding another benchmark regenerated.
     */
    public CludaApi overwriting() {
        return new CludaApi(spark, store, log, true);
    }

    /**
     * Writes the synthetic domain-shift benchmark ({@code cluda synth}) to {@code root}: the source
     * in the GTA5 layout ({@code root/gta5}), the target in the Cityscapes layout
     * ({@code root/cityscapes}), unless {@code root} already holds this benchmark. Train on it with
     * {@code data.source.root} and {@code data.target.root} set to {@code root} and the same
     * {@code synth.*} overrides.
     *
     * @param overrides {@code key=value} settings over the defaults, e.g. {@code synth.sourceImages=6}
     * @throws dev.cluda.error.UserInputException if {@code root} holds other files (see {@link #overwriting()})
     */
    public SynthResult synth(String root, String... overrides) throws IOException {
        return unwrapped(() -> {
            SynthSpec spec = CludaConfig.from(ConfigFiles.load(null, List.of(overrides))).synth();
            Optional<SynthSummary> written = SyntheticBenchmarkWriter.writeUnlessPresent(spec, store, root, overwrite,
                    line -> log.accept("synth: " + line));
            int images = spec.sourceImages() + spec.targetTrainImages() + spec.targetValImages();
            return new SynthResult(root, written.isPresent(), images, written.map(SynthSummary::seconds).orElse(0.0));
        });
    }

    /**
     * Trains a new run ({@code cluda train}) into the run directory {@code out}: every sample
     * checked first, then in the driver, or with {@code distributed.ranks > 1} as one Spark barrier
     * task per rank on this session's executors. Progress goes to the log, one line per
     * {@code train.logInterval} iterations.
     *
     * @param config the experiment configuration, a local path or Hadoop URI (e.g. {@code conf/synthetic.conf})
     * @param overrides {@code key=value} settings over the configuration, e.g. {@code train.iters=40}
     * @throws dev.cluda.error.UserInputException if {@code out} holds files (see {@link #overwriting()}
     *     and {@link #resume}) or another process trains in it, or for a bad key or value
     */
    public TrainResult train(String config, String out, String... overrides) throws IOException {
        return train(config, out, overwrite ? OutputDirectory.IfExists.OVERWRITE : OutputDirectory.IfExists.FAIL,
                overrides);
    }

    /**
     * Continues the run in {@code out} from its latest complete checkpoint ({@code cluda train
     * --resume}), or starts it if {@code out} is empty; as {@link #train} otherwise.
     *
     * @param config the configuration the run was started with (a different one is refused)
     */
    public TrainResult resume(String config, String out, String... overrides) throws IOException {
        return train(config, out, OutputDirectory.IfExists.RESUME, overrides);
    }

    private TrainResult train(String config, String out, OutputDirectory.IfExists ifExists, String... overrides)
            throws IOException {
        return unwrapped(() -> {
            CludaConfig resolved = CludaConfig.from(ConfigFiles.load(config, List.of(overrides)));
            TrainingRun.Result r = TrainingRun.run(resolved, store, out, ifExists, ranks -> SparkSessions.borrow(spark),
                    new ProgressLines(log, resolved.train().logInterval()));
            return new TrainResult(r.runDir(), r.iterations(), r.resumedFrom(), r.lastEval(), r.seconds(),
                    Math.max(1, r.ranks().size()), r.attempts());
        });
    }

    /**
     * Evaluates the student of a checkpoint on the target's evaluation split ({@code cluda eval
     * --checkpoint}) on Spark executors; the result is what training's evaluation of that
     * checkpoint wrote to {@code eval.json}.
     *
     * @param checkpoint a run directory (its {@code checkpoints/latest}) or an {@code iter_*.ckpt} file
     * @param overrides {@code key=value} settings over the run's {@code config.conf}, e.g.
     *     {@code data.target.evalSplit=val}
     */
    public EvalResult evaluate(String checkpoint, String... overrides) throws IOException {
        return unwrapped(() -> {
            CheckpointLocation location = CheckpointLocation.resolve(store, checkpoint);
            CludaConfig config = CludaConfig.from(location.loadConfig(store, null, List.of(overrides)));
            try (SparkSessions.Lease lease = SparkSessions.borrow(spark)) {
                return DistributedEvalJob.run(lease.session(), store, DistributedEvalJob.request(location, config,
                        CheckpointWeights.STUDENT, null, null, null, 0)).eval();
            }
        });
    }

    /**
     * Segments images with the student of a checkpoint on Spark executors ({@code cluda predict}):
     * a train-id PNG per image in {@code out} and an overlay with the palette's legend in
     * {@code out/overlay}.
     *
     * @param checkpoint a run directory (its {@code checkpoints/latest}) or an {@code iter_*.ckpt} file
     * @param input an image file, or a folder or URI prefix searched recursively for PNG and JPEG files
     * @param overrides {@code key=value} settings over the run's {@code config.conf}, e.g. {@code eval.size=[256,128]}
     * @throws FileNotFoundException if {@code input} does not exist
     * @throws dev.cluda.error.UserInputException if {@code input} lies inside {@code out}, or
     *     {@code out} holds files (see {@link #overwriting()})
     */
    public PredictResult predict(String checkpoint, String input, String out, String... overrides)
            throws IOException {
        return unwrapped(() -> {
            CheckpointLocation location = CheckpointLocation.resolve(store, checkpoint);
            CludaConfig config = CludaConfig.from(location.loadConfig(store, null, List.of(overrides)));
            PredictJob.Request request = PredictJob.prepare(store, location, config, CheckpointWeights.STUDENT, input,
                    out, overwrite, 0);
            PredictJob.Result result;
            try (SparkSessions.Lease lease = SparkSessions.borrow(spark)) {
                result = PredictJob.run(lease.session(), store, request);
            }
            List<String> predictions = new ArrayList<>();
            List<String> overlays = new ArrayList<>();
            for (String file : store.listFiles(request.outDir())) {
                boolean overlay = store.relativize(request.outDir(), file).startsWith(PredictJob.OVERLAY_DIR + "/");
                (overlay ? overlays : predictions).add(file);
            }
            return new PredictResult(request.outDir(), result.images(), result.skippedImages(), predictions, overlays);
        });
    }

    /** The per-class IoU table of an evaluation, as {@code cluda eval} prints it. */
    public String classTable(EvalResult eval) {
        return ClassTable.format(Objects.requireNonNull(eval, "eval: the run made no evaluation"));
    }

    /**
     * The run's {@code report.html}: curves, the per-class IoU table and sample predictions,
     * rewritten by training at every checkpoint and evaluation. In Zeppelin show it with
     * {@code println("%html " + report.iframe(900))}.
     *
     * @throws FileNotFoundException if the run has written no report yet
     */
    public Report report(String runDir) throws IOException {
        return unwrapped(() -> {
            String file = store.resolve(runDir, RunReport.FILE_NAME);
            if (!store.exists(file)) {
                throw new FileNotFoundException(file + " not found: a run writes its report at its first checkpoint"
                        + " or evaluation");
            }
            String html;
            try (InputStream in = store.open(file)) {
                html = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            return new Report(runDir, html, RunReport.inlineImages(html));
        });
    }

    /** A step of a method, which may throw what a job throws. */
    private interface Step<T> {
        T run() throws IOException;
    }

    /**
     * Runs {@code step}; a user error anywhere in the cause chain of what it throws (a
     * {@code SparkException} carries the executor's) is thrown as itself, anything else as it is.
     */
    private static <T> T unwrapped(Step<T> step) throws IOException {
        try {
            return step.run();
        } catch (Exception e) {
            Optional<Throwable> user = Causes.userError(e);
            if (user.isPresent() && user.get() instanceof RuntimeException r) {
                throw r;
            }
            if (user.isPresent() && user.get() instanceof IOException io) {
                throw io;
            }
            throw e; // rethrown as it is: an IOException, an unchecked exception, or Spark's SparkException
        }
    }
}
