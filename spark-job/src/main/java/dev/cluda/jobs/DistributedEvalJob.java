package dev.cluda.jobs;

import dev.cluda.config.CludaConfig;
import dev.cluda.config.DatasetConfig;
import dev.cluda.data.DatasetKind;
import dev.cluda.data.Sample;
import dev.cluda.eval.ConfusionMatrix;
import dev.cluda.eval.EvalResult;
import dev.cluda.eval.SegmentationEvaluator;
import dev.cluda.io.FileStore;
import java.io.IOException;
import java.io.Serializable;
import org.apache.spark.sql.SparkSession;

/**
 * {@code cluda eval --checkpoint}: whole-image evaluation (reference §9) on Spark executors, a
 * {@link CheckpointInference} over the labelled images of the split. Each partition predicts its
 * images as {@link SegmentationEvaluator} does (the code the trainer evaluates with) and returns
 * its confusion matrix with the image and skipped counts; the partitions' counts are summed with
 * {@code treeAggregate}. Sums of counts are exact, so the result equals a single-process
 * evaluation of the same checkpoint.
 */
public final class DistributedEvalJob {

    /**
     * The evaluation: {@code eval.json}'s content (its {@code iter} is the checkpoint's iteration),
     * the summed matrix, and the images left out under {@code data.onBadSample = skip}.
     */
    public record Result(EvalResult eval, ConfusionMatrix matrix, long skippedImages) {
    }

    private DistributedEvalJob() {
    }

    /**
     * What {@code cluda eval --checkpoint} evaluates: the {@code weights} network of the checkpoint,
     * built and run as {@code config} says ({@code model.*}, {@code eval.size}, {@code data.onBadSample},
     * HRDA's inference), over a split of a dataset.
     *
     * @param kind the dataset, or null (with {@code root} null) for the configuration's evaluation
     *     dataset ({@code data.target}, or {@code data.target.evalRoot} when set)
     * @param root the dataset's root, or null (with {@code kind} null)
     * @param split the split, or null for {@code data.target.evalSplit}
     * @param partitions Spark partitions, 0 for Spark's default parallelism
     * @throws IllegalArgumentException if only one of {@code kind} and {@code root} is given
     */
    public static CheckpointInference request(CheckpointLocation checkpoint, CludaConfig config,
                                              CheckpointWeights weights, DatasetKind kind, String root, String split,
                                              int partitions) {
        if ((kind == null) != (root == null)) {
            throw new IllegalArgumentException("give a dataset kind and root together, or neither for data.target");
        }
        DatasetKind datasetKind = kind;
        String datasetRoot = root;
        if (kind == null) {
            DatasetConfig.ResolvedDataset resolved = config.data().evalDataset().resolve(false);
            datasetKind = resolved.kind();
            datasetRoot = resolved.root();
        }
        return new CheckpointInference(checkpoint, weights, config.model().spec(), config.eval().size(), datasetKind,
                datasetRoot, split == null ? config.data().evalSplit() : split, config.data().onBadSample(),
                partitions, config.hrda().inference());
    }

    /**
     * Runs the evaluation of {@code request} (the trainer evaluates the student, reference §2.1).
     *
     * @throws IllegalArgumentException if the split has no images or an image has no label
     * @throws IOException naming the file, for a bad sample under {@code data.onBadSample = fail}
     */
    public static Result run(SparkSession spark, FileStore store, CheckpointInference request) throws IOException {
        int classes = request.model().numClasses();
        CheckpointInference.Run<Counts> run = request.run(spark, store, CheckpointInference.Images.LABELLED,
                new Evaluate(classes), rdd -> rdd.treeAggregate(new Counts(classes), Counts::add, Counts::add));
        Counts sums = run.value();
        EvalResult eval = EvalResult.of((int) request.checkpoint().iteration(), sums.images, sums.matrix);
        return new Result(eval, sums.matrix, sums.skipped + run.skippedWhileIndexing());
    }

    /** A partition's counts, then their sums: the confusion matrix, images evaluated, images skipped. */
    private static final class Counts implements Serializable {

        private static final long serialVersionUID = 1L;

        final ConfusionMatrix matrix;
        long images;
        long skipped;

        Counts(int classes) {
            this.matrix = new ConfusionMatrix(classes);
        }

        /** Adds {@code other} into this (exact: counts only). */
        Counts add(Counts other) {
            matrix.add(other.matrix);
            images += other.images;
            skipped += other.skipped;
            return this;
        }
    }

    /** Per image: the evaluator's prediction against the label. */
    private record Evaluate(int classes) implements CheckpointInference.PartitionWork<Counts> {

        @Override
        public Counts start() {
            return new Counts(classes);
        }

        @Override
        public void add(Counts counts, Sample sample, ImageInference inference, FileStore store) throws IOException {
            if (sample.trainIds() == null) {
                // as SegmentationEvaluator#accumulate refuses it, before running the model
                throw new IllegalArgumentException(sample.ref().imagePath() + " has no label to evaluate against");
            }
            counts.matrix.accumulate(sample.trainIds(), inference.predict(sample.image()));
            counts.images++;
        }

        @Override
        public void skip(Counts counts) {
            counts.skipped++;
        }
    }
}
