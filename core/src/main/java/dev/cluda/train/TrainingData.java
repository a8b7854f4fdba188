package dev.cluda.train;

import dev.cluda.config.CludaConfig;
import dev.cluda.config.DatasetConfig.ResolvedDataset;
import dev.cluda.config.TrainConfig;
import dev.cluda.config.UdaConfig;
import dev.cluda.data.BadSampleLog;
import dev.cluda.data.CityscapesClass;
import dev.cluda.dataset.SyntheticDatasets;
import dev.cluda.data.Sample;
import dev.cluda.data.SampleLoader;
import dev.cluda.data.SampleRef;
import dev.cluda.data.Sharding;
import dev.cluda.io.FileStore;
import dev.cluda.transform.TrainTransform;
import dev.cluda.uda.ClassStatistics;
import dev.cluda.uda.ClassStatisticsFiles;
import dev.cluda.uda.ImageClassCounts;
import dev.cluda.uda.PrecomputedPseudoLabels;
import dev.cluda.uda.PseudoMargins;
import dev.cluda.uda.RareClassSampler;
import dev.cluda.uda.RcsCropRule;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The datasets of a training run, ready to sample: the synthetic benchmark generated if the
 * configuration asks for it and it is missing, source and target indexed with the bad-sample
 * policy, rare-class statistics read from the source root (as {@code cluda stats} writes them)
 * or computed here, and the evaluation split of the target.
 */
public final class TrainingData {

    private final UdaDataSampler sampler;
    private final SampleLoader evalLoader;
    private final List<SampleRef> evalSamples;
    private final SampleLoader sourceLoader;
    private final SampleLoader targetLoader;
    private final List<SampleRef> pseudoLabelSamples;
    private final FileStore store;

    private TrainingData(UdaDataSampler sampler, SampleLoader sourceLoader, SampleLoader targetLoader,
                         SampleLoader evalLoader, List<SampleRef> evalSamples, List<SampleRef> pseudoLabelSamples,
                         FileStore store) {
        this.sampler = sampler;
        this.store = store;
        this.pseudoLabelSamples = pseudoLabelSamples;
        this.sourceLoader = sourceLoader;
        this.targetLoader = targetLoader;
        this.evalLoader = evalLoader;
        this.evalSamples = evalSamples;
    }

    /**
     * Prepares the data of {@code config} for a run in this process (one rank).
     *
     * @param statsOut where computed rare-class statistics are written (the run directory), or null
     * @param log progress messages for the user
     */
    public static TrainingData prepare(CludaConfig config, FileStore store, String statsOut, Consumer<String> log)
            throws IOException {
        return prepare(config, store, statsOut, 0, 1, log);
    }

    /**
     * Prepares rank {@code rank}'s data of a run with {@code ranks} data-parallel ranks: with
     * several ranks and self-training, each rank draws target images from its own shard of every
     * epoch (seeded by {@code train.seed}).
     *
     * @param statsOut where computed rare-class statistics are written (rank 0's run directory), or null
     * @throws IllegalArgumentException if there are fewer target images than ranks
     */
    public static TrainingData prepare(CludaConfig config, FileStore store, String statsOut, int rank, int ranks,
                                       Consumer<String> log) throws IOException {
        Consumer<String> data = m -> log.accept("data: " + m);
        SyntheticDatasets.ensure(config, config.data().source(), store, data);
        SyntheticDatasets.ensure(config, config.data().target(), store, data);
        ResolvedDataset source = config.data().source().resolve(true);
        ResolvedDataset target = config.data().target().resolve(false);
        if (!config.data().evalRoot().isBlank()) {
            SyntheticDatasets.ensure(config, config.data().evalDataset(), store, data);
        }
        ResolvedDataset evalData = config.data().evalDataset().resolve(false);
        TrainConfig train = config.train();
        UdaConfig uda = config.uda();

        SampleLoader sourceLoader = new SampleLoader(source.kind().reader(), store, config.data().onBadSample(), "source");
        List<SampleRef> sourceRefs = sourceLoader.index(source.root(), config.data().source().split());
        SampleLoader targetLoader = new SampleLoader(target.kind().reader(), store, config.data().onBadSample(),
                "target train");
        // The target is unlabelled in UDA: every image counts, with or without a label file.
        List<SampleRef> targetRefs = uda.enabled()
                ? target.kind().reader().scan(store, target.root(), config.data().target().split()).allImages()
                : List.of();
        SampleLoader evalLoader = new SampleLoader(target.kind().reader(), store, config.data().onBadSample(),
                "target " + config.data().evalSplit());
        List<SampleRef> evalRefs = evalLoader.index(evalData.root(), config.data().evalSplit());
        log.accept(String.format("data: %d source (%s, %s), %d target train, %d target %s images",
                sourceRefs.size(), source.kind().configName(), source.root(), targetRefs.size(), evalRefs.size(),
                config.data().evalSplit()));

        RareClassSampler rcs = null;
        if (uda.rcsEnabled()) {
            ClassStatistics stats = statistics(store, source.root(), sourceLoader, sourceRefs, statsOut, log);
            rcs = new RareClassSampler(stats, uda.rcsTemperature(), uda.rcsMinPixels());
        }
        TrainTransform sourceTransform = new TrainTransform(new TrainTransform.Config(
                scale(train.sourceScale()), train.cropWidth(), train.cropHeight(), train.catMaxRatio(),
                train.flipProbability()));
        // The target crop has no class check (DAFormer issue #6 disabled it for the target).
        TrainTransform targetTransform = new TrainTransform(new TrainTransform.Config(
                scale(train.targetScale()), train.cropWidth(), train.cropHeight(), 1.0, train.flipProbability()));
        RcsCropRule cropRule = config.rcsCropRule();
        PrecomputedPseudoLabels precomputed = null;
        if (uda.enabled() && uda.hasPrecomputedPseudoLabels()) {
            precomputed = PrecomputedPseudoLabels.open(store, uda.precomputedPseudoLabels());
            log.accept("data: pseudo-labels read from " + uda.precomputedPseudoLabels());
        }
        UdaDataSampler.TargetShard shard = ranks > 1 && uda.enabled()
                ? new UdaDataSampler.TargetShard(new Sharding(train.seed(), ranks), rank) : null;
        // HRDA builds the pseudo-label margins at full image size and crops them with the image (§2.3)
        PseudoMargins fullImageMargins = config.hrda().enabled()
                ? new PseudoMargins(uda.marginTop(), uda.marginBottom(), uda.marginLeft(), uda.marginRight()) : null;
        UdaDataSampler sampler = new UdaDataSampler(
                new UdaDataSampler.Pool(sourceLoader, sourceRefs, sourceTransform),
                new UdaDataSampler.Pool(targetLoader, targetRefs, targetTransform), rcs, cropRule, precomputed, shard,
                fullImageMargins);
        return new TrainingData(sampler, sourceLoader, targetLoader, evalLoader, evalRefs,
                pseudoLabelSamples(config, store, target, log), store);
    }

    public UdaDataSampler sampler() {
        return sampler;
    }

    /** The labelled target samples evaluated during training. */
    public List<SampleRef> evalSamples() {
        return evalSamples;
    }

    /**
     * The labelled target-train images (the first {@code eval.pseudoLabelImages} by id) on which
     * teacher and student are scored at each evaluation; empty when that is off or there are no labels.
     */
    public List<SampleRef> pseudoLabelSamples() {
        return pseudoLabelSamples;
    }

    /** The store the data is read from; also where {@code model.pretrained} is read. */
    public FileStore store() {
        return store;
    }

    /** Reads target-train images with the bad-sample policy. */
    public SampleLoader targetLoader() {
        return targetLoader;
    }

    /** Reads the evaluation samples with the bad-sample policy. */
    public SampleLoader evalLoader() {
        return evalLoader;
    }

    /** Reads one evaluation sample (empty if it was skipped as bad). */
    public Optional<Sample> readEval(SampleRef ref) throws IOException {
        return evalLoader.read(ref);
    }

    /** What the bad-sample policy skipped so far, as one line (empty if nothing). */
    public String skippedSummary() {
        long skipped = sourceLoader.log().skippedCount() + targetLoader.log().skippedCount()
                + evalLoader.log().skippedCount();
        return skipped == 0 ? "" : BadSampleLog.summarize(List.of(sourceLoader.log(), targetLoader.log(), evalLoader.log()));
    }

    private static List<SampleRef> pseudoLabelSamples(CludaConfig config, FileStore store, ResolvedDataset target,
                                                      Consumer<String> log) throws IOException {
        int wanted = config.eval().pseudoLabelImages();
        if (wanted == 0 || !config.uda().enabled()) {
            return List.of();
        }
        List<SampleRef> labelled = target.kind().reader().scan(store, target.root(),
                config.data().target().split()).samples();
        if (labelled.isEmpty()) {
            log.accept("data: eval.pseudoLabelImages = " + wanted + " but the target " + config.data().target().split()
                    + " split has no labels: pseudo-label quality is not measured");
            return List.of();
        }
        return List.copyOf(labelled.subList(0, Math.min(wanted, labelled.size())));
    }

    private static TrainTransform.Scale scale(int[] edges) {
        return edges == null ? null : new TrainTransform.Scale(edges[0], edges[1]);
    }

    /**
     * Class statistics of the source set at its original label resolution (reference §3): read
     * from {@code sample_class_stats.json} in the dataset root if present, else computed here.
     */
    private static ClassStatistics statistics(FileStore store, String sourceRoot, SampleLoader loader,
                                              List<SampleRef> refs, String statsOut, Consumer<String> log)
            throws IOException {
        if (store.exists(store.resolve(sourceRoot, ClassStatisticsFiles.SAMPLE_CLASS_STATS))) {
            log.accept("data: rare-class statistics from " + sourceRoot);
            return ClassStatisticsFiles.read(store, sourceRoot);
        }
        List<ImageClassCounts> counts = new ArrayList<>();
        for (SampleRef ref : refs) {
            Optional<Sample> sample = loader.read(ref);
            sample.ifPresent(s -> counts.add(ImageClassCounts.of(UdaDataSampler.rcsKey(ref), s.trainIds())));
        }
        ClassStatistics stats = ClassStatistics.of(counts);
        if (statsOut != null) {
            ClassStatisticsFiles.write(store, statsOut, stats);
        }
        log.accept(String.format("data: rare-class statistics computed over %d source images (%d of %d classes present)",
                counts.size(), presentClasses(stats), CityscapesClass.COUNT));
        return stats;
    }

    private static int presentClasses(ClassStatistics stats) {
        int n = 0;
        for (int c = 0; c < CityscapesClass.COUNT; c++) {
            n += stats.isPresent(c) ? 1 : 0;
        }
        return n;
    }
}
