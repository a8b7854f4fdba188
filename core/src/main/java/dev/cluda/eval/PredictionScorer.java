package dev.cluda.eval;

import dev.cluda.data.BadSampleException;
import dev.cluda.data.DatasetReader;
import dev.cluda.data.LabelMap;
import dev.cluda.data.PngCodec;
import dev.cluda.data.Sample;
import dev.cluda.data.SampleRef;
import dev.cluda.error.UserInputException;
import dev.cluda.io.FileStore;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Objects;

/**
 * Scores a folder of predicted train-id PNGs against a labelled dataset split (reference §9).
 *
 * <p>The prediction for a sample is {@code <predictionDir>/<name>.png} ({@link #predictionFileName}):
 * for the PNG images of every dataset layout exactly the image's file name (e.g.
 * {@code frankfurt_000000_000294_leftImg8bit.png}), flat in the folder, an 8-bit gray or palette
 * PNG of train ids at the ground-truth size; {@code cluda predict} writes these names. Values outside 0..18
 * count as wrong (see {@link ConfusionMatrix}). Ground truth comes from
 * {@link DatasetReader#read}, which also decodes the image; scoring is I/O bound either way.
 *
 * <p>{@link #score} reports {@link EvalResult#OFFLINE_ITER} (-1) as its iteration, since offline
 * scoring belongs to no training iteration. For distributed scoring, give each worker a slice
 * of {@link DatasetReader#index}, call {@link #confusion} there and add the matrices.
 */
public final class PredictionScorer {

    private final DatasetReader reader;
    private final FileStore store;

    public PredictionScorer(DatasetReader reader, FileStore store) {
        this.reader = Objects.requireNonNull(reader, "reader");
        this.store = Objects.requireNonNull(store, "store");
    }

    /**
     * Scores every sample of {@code split} below {@code root} against {@code predictionDir}.
     *
     * @throws IllegalArgumentException if the split has no samples or a sample has no label
     * @throws FileNotFoundException naming the expected prediction file and its image if one is missing
     * @throws BadSampleException naming the prediction file if it is unreadable or of the wrong size
     */
    public EvalResult score(String root, String split, String predictionDir) throws IOException {
        List<SampleRef> refs = reader.index(store, root, split);
        if (refs.isEmpty()) {
            throw new UserInputException("no samples in split \"" + split + "\" below " + root
                    + "; check the dataset root and split name");
        }
        return EvalResult.of(EvalResult.OFFLINE_ITER, refs.size(), confusion(refs, predictionDir));
    }

    /** The 19-class confusion matrix of {@code refs} (a whole split or one worker's slice). */
    public ConfusionMatrix confusion(List<SampleRef> refs, String predictionDir) throws IOException {
        ConfusionMatrix matrix = new ConfusionMatrix();
        for (SampleRef ref : refs) {
            accumulate(ref, predictionDir, matrix);
        }
        return matrix;
    }

    /** Adds one sample's prediction against its ground truth to {@code into}. */
    public void accumulate(SampleRef ref, String predictionDir, ConfusionMatrix into) throws IOException {
        if (!ref.hasLabel()) {
            throw new UserInputException("sample " + ref.id() + " (" + ref.imagePath()
                    + ") has no ground-truth label; score a labelled split such as Cityscapes val");
        }
        String predictionPath = predictionPath(predictionDir, ref);
        if (!store.exists(predictionPath)) {
            throw new FileNotFoundException("missing prediction " + predictionPath + " for image "
                    + ref.imagePath() + "; a prediction is named like its image, as a .png");
        }
        LabelMap prediction;
        try (InputStream in = store.open(predictionPath)) {
            prediction = PngCodec.readLabel8(in, predictionPath);
        }
        Sample sample = reader.read(store, ref);
        LabelMap truth = sample.trainIds();
        if (truth == null) {
            throw new IllegalArgumentException("reader returned no ground truth for sample " + ref.id()
                    + " (" + ref.labelPath() + ")");
        }
        if (truth.width() != prediction.width() || truth.height() != prediction.height()) {
            throw new BadSampleException(predictionPath, "prediction is " + prediction.width() + "x"
                    + prediction.height() + " but the ground truth " + ref.labelPath() + " is " + truth.width()
                    + "x" + truth.height() + "; predict at the ground-truth resolution");
        }
        try {
            into.accumulate(truth, prediction);
        } catch (IllegalArgumentException e) {
            // Sizes match, so this is a ground-truth value that is neither a train id nor 255.
            throw new BadSampleException(ref.labelPath(), e.getMessage(), e);
        }
    }

    /** Where the prediction for {@code ref} is expected: {@link #predictionFileName} inside {@code predictionDir}. */
    public String predictionPath(String predictionDir, SampleRef ref) {
        return store.resolve(predictionDir, predictionFileName(ref));
    }

    /**
     * The file name of the prediction for {@code ref}: the image's file name with its extension
     * replaced by {@code .png} (a PNG image's own name; {@code photo.jpg} gives {@code photo.png}).
     */
    public static String predictionFileName(SampleRef ref) {
        String name = ref.imageFileName();
        int dot = name.lastIndexOf('.');
        return (dot > 0 ? name.substring(0, dot) : name) + ".png";
    }
}
