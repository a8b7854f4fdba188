package dev.cluda.parallel;

import ai.djl.ndarray.NDManager;
import dev.cluda.data.CityscapesClass;
import dev.cluda.data.Sample;
import dev.cluda.data.SampleLoader;
import dev.cluda.data.SampleRef;
import dev.cluda.eval.ConfusionMatrix;
import dev.cluda.eval.EvalResult;
import dev.cluda.eval.SegmentationEvaluator;
import dev.cluda.model.SegmentationModel;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * mIoU over the evaluation split, shared among the ranks (reference §9): rank r scores the samples at indices i with i mod N = r ({@link DataParallel#shard}); the
 * confusion matrices and image counts are summed with one all-reduce, so every rank returns the
 * result of scoring every sample, and the caller on rank 0 writes {@code eval.json}. I and U are
 * sums of pixel counts, so the split changes nothing: the result equals single-rank evaluation.
 * Every rank must call it at the same iteration; a rank that fails to read a sample leaves the
 * others waiting in the all-reduce until the collective's timeout.
 */
public final class ShardedEvaluation {

    private ShardedEvaluation() {
    }

    /**
     * Evaluates {@code model} on this rank's shard of {@code samples} and sums over ranks.
     *
     * @param loader reads a sample, or gives nothing for one its bad-sample policy skips
     */
    public static EvalResult evaluate(DataParallel parallel, SegmentationEvaluator evaluator, SegmentationModel model,
                                      List<SampleRef> samples, SampleLoader loader, NDManager manager, long iteration)
            throws IOException {
        ConfusionMatrix matrix = new ConfusionMatrix(CityscapesClass.COUNT);
        long images = 0;
        for (SampleRef ref : parallel.shard(samples)) {
            Optional<Sample> sample = loader.read(ref);
            if (sample.isPresent()) {
                evaluator.accumulate(model, manager, sample.get(), matrix);
                images++;
            }
        }
        long[] flat = matrix.toLongArray();
        long[] withCount = Arrays.copyOf(flat, flat.length + 1);
        withCount[flat.length] = images;
        parallel.collective().allReduceSum(withCount);
        ConfusionMatrix total = ConfusionMatrix.fromLongArray(CityscapesClass.COUNT,
                Arrays.copyOf(withCount, flat.length));
        return EvalResult.of((int) iteration, withCount[flat.length], total);
    }
}
