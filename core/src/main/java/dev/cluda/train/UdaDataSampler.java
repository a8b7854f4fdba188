package dev.cluda.train;

import dev.cluda.error.UserInputException;
import dev.cluda.data.Sample;
import dev.cluda.data.SampleLoader;
import dev.cluda.data.SampleRef;
import dev.cluda.data.Sharding;
import dev.cluda.transform.TrainTransform;
import dev.cluda.transform.TransformedSample;
import dev.cluda.uda.PrecomputedPseudoLabels;
import dev.cluda.uda.PseudoMargins;
import dev.cluda.uda.RareClassSampler;
import dev.cluda.uda.RcsCropRule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Draws the source and target images of one iteration through the training transforms:
 * source images by rare-class sampling (reference §3) or uniformly, target images uniformly and
 * without their labels (the target is unlabelled in UDA). Every draw comes from the generators
 * handed in, which {@link RandomStreams} derives from (seed, rank, iteration).
 */
public final class UdaDataSampler {

    /** Retries when a bad sample is skipped ({@code data.onBadSample = skip}) before giving up. */
    private static final int MAX_SKIPS = 100;

    private final SampleLoader sourceLoader;
    private final List<SampleRef> source;
    private final TrainTransform sourceTransform;
    private final SampleLoader targetLoader;
    private final List<SampleRef> target;
    private final TrainTransform targetTransform;
    private final RareClassSampler rareClassSampler;
    private final RcsCropRule cropRule;
    private final Map<String, SampleRef> sourceByFile = new HashMap<>();
    private final PrecomputedPseudoLabels precomputed;
    private final PseudoMargins fullImageMargins;
    private final Sharding targetSharding;
    private final int shardRank;
    private long shardEpoch = -1;
    private List<SampleRef> shard = List.of();

    /**
     * Images a sampler draws from, and how they are transformed.
     *
     * @param refs the samples (may be empty for an unused target)
     */
    record Pool(SampleLoader loader, List<SampleRef> refs, TrainTransform transform) {

        Pool {
            refs = refs == null ? List.of() : List.copyOf(refs);
        }
    }

    /**
     * This rank's part of a data-parallel run's target images: the ranks see disjoint target
     * samples per epoch ({@link Sharding}: a seeded permutation per epoch cut into near-equal
     * parts). One epoch is the iterations in which all ranks together draw as many images as the
     * target set holds.
     */
    record TargetShard(Sharding sharding, int rank) {

        TargetShard {
            if (rank < 0 || rank >= sharding.ranks()) {
                throw new IllegalArgumentException("rank " + rank + " is not in 0.." + (sharding.ranks() - 1));
            }
        }
    }

    /**
     * @param rareClassSampler null for uniform source sampling; its files are {@link #rcsKey} of the refs
     * @param precomputed stored pseudo-labels that target crops carry as their label and confidence
     *     ({@code uda.pseudoLabels = precomputed}), cropped and flipped with the image; null for none
     * @param targetShard this rank's share of the target images; null to draw from all of them
     * @param fullImageMargins pseudo-label margins built at each target image's full size and cropped
     *     with it as the crop's validity mask (HRDA, reference §2.3); null when the step applies them
     *     to the crop
     */
    UdaDataSampler(Pool source, Pool target, RareClassSampler rareClassSampler, RcsCropRule cropRule,
                   PrecomputedPseudoLabels precomputed, TargetShard targetShard, PseudoMargins fullImageMargins) {
        if (source.refs().isEmpty()) {
            throw new UserInputException("the source dataset has no samples; check data.source.root");
        }
        this.sourceLoader = source.loader();
        this.source = source.refs();
        this.sourceTransform = source.transform();
        this.targetLoader = target.loader();
        this.target = target.refs();
        this.targetTransform = target.transform();
        this.rareClassSampler = rareClassSampler;
        this.cropRule = cropRule;
        this.precomputed = precomputed;
        this.fullImageMargins = fullImageMargins;
        if (targetShard != null && this.target.size() < targetShard.sharding().ranks()) {
            throw new UserInputException(this.target.size() + " target images cannot be shared by "
                    + targetShard.sharding().ranks() + " ranks; every rank needs at least one");
        }
        this.targetSharding = targetShard == null ? null : targetShard.sharding();
        this.shardRank = targetShard == null ? 0 : targetShard.rank();
        for (SampleRef ref : this.source) {
            sourceByFile.put(rcsKey(ref), ref);
        }
    }

    /** The key under which class statistics name a sample: its label file (as DAFormer's JSONs do). */
    public static String rcsKey(SampleRef ref) {
        return ref.labelPath();
    }

    public int sourceSize() {
        return source.size();
    }

    public int targetSize() {
        return target.size();
    }

    /** {@code n} labelled source crops. */
    public List<TransformedSample> sourceBatch(int n, SplittableRandom sampling, SplittableRandom crop) {
        List<TransformedSample> batch = new ArrayList<>(n);
        for (int skips = 0; batch.size() < n; ) {
            int trainId = -1;
            SampleRef ref;
            if (rareClassSampler != null) {
                RareClassSampler.Draw draw = rareClassSampler.sample(sampling);
                trainId = draw.trainId();
                ref = sourceByFile.get(draw.file());
                if (ref == null) {
                    throw new UserInputException("rare-class statistics name " + draw.file()
                            + ", which is not in the source dataset; recompute the statistics (cluda stats)");
                }
            } else {
                ref = source.get(sampling.nextInt(source.size()));
            }
            Optional<Sample> sample = read(sourceLoader, ref);
            if (sample.isEmpty()) {
                skips = checkSkips(skips);
                continue;
            }
            Sample s = sample.get();
            if (trainId >= 0 && cropRule != null) {
                final int c = trainId;
                // Re-crop until the sampled class is visible enough (reference §3).
                batch.add(cropRule.cropUntilAccepted(() -> sourceTransform.apply(s, crop),
                        t -> t.label().histogram()[c]));
            } else {
                batch.add(sourceTransform.apply(s, crop));
            }
        }
        return batch;
    }

    /** {@code n} unlabelled target crops. */
    public List<TransformedSample> targetBatch(int n, SplittableRandom sampling, SplittableRandom crop) {
        return targetBatch(n, 0, sampling, crop);
    }

    /** {@code n} unlabelled target crops of iteration {@code t} (which selects the epoch's shard when sharded). */
    public List<TransformedSample> targetBatch(int n, long t, SplittableRandom sampling, SplittableRandom crop) {
        if (target.isEmpty()) {
            throw new UserInputException("no target samples: check data.target.root and data.target.split");
        }
        List<SampleRef> pool = targetPool(n, t);
        List<TransformedSample> batch = new ArrayList<>(n);
        for (int skips = 0; batch.size() < n; ) {
            SampleRef ref = pool.get(sampling.nextInt(pool.size()));
            SampleRef unlabelled = new SampleRef(ref.id(), ref.imagePath(), null, ref.split(), ref.city());
            Optional<Sample> sample = read(targetLoader, unlabelled);
            if (sample.isEmpty()) {
                skips = checkSkips(skips);
                continue;
            }
            if (precomputed == null && fullImageMargins != null) {
                var image = sample.get().image();
                batch.add(targetTransform.apply(image, null, fullImageMargins.mask(image.width(), image.height()), crop));
            } else if (precomputed == null) {
                batch.add(targetTransform.apply(sample.get(), crop));
            } else {
                PrecomputedPseudoLabels.Entry pseudo = readPseudo(ref);
                batch.add(targetTransform.applyWithStoredPseudoLabel(sample.get().image(), pseudo.labels(),
                        pseudo.confidence(), crop));
            }
        }
        return batch;
    }

    private PrecomputedPseudoLabels.Entry readPseudo(SampleRef ref) {
        try {
            return precomputed.read(ref.id());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The target samples iteration {@code t} draws from: all of them, or this rank's shard of the epoch. */
    List<SampleRef> targetPool(int n, long t) {
        if (targetSharding == null) {
            return target;
        }
        long epoch = t * n * targetSharding.ranks() / target.size();
        if (epoch != shardEpoch) {
            shard = targetSharding.shard(target, epoch, shardRank);
            shardEpoch = epoch;
        }
        return shard;
    }

    private static int checkSkips(int skips) {
        if (skips + 1 >= MAX_SKIPS) {
            throw new UserInputException(MAX_SKIPS + " bad samples skipped in a row; the dataset looks broken");
        }
        return skips + 1;
    }

    private static Optional<Sample> read(SampleLoader loader, SampleRef ref) {
        try {
            return loader.read(ref);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
