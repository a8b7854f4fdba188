package dev.cluda.synth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.cluda.data.CityscapesClass;
import dev.cluda.data.LabelMap;
import dev.cluda.data.PngCodec;
import dev.cluda.data.RgbImage;
import dev.cluda.error.UserInputException;
import dev.cluda.io.FileStore;
import dev.cluda.io.OutputDirectory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * Writes the synthetic benchmark below {@code outDir} in the real on-disk layouts (reference §8.1):
 *
 * <pre>
 * synth.json                                                       the spec and class frequencies
 * gta5/images/00001.png                                            source RGB
 * gta5/labels/00001.png                                            8-bit palette PNG, index = label id
 * cityscapes/leftImg8bit/{train,val}/CITY/CITY_000000_NNNNNN_leftImg8bit.png
 * cityscapes/gtFine/{train,val}/CITY/CITY_000000_NNNNNN_gtFine_labelIds.png   8-bit gray label ids
 * </pre>
 *
 * Label values are Cityscapes label ids ({@link CityscapesClass#labelId()}); every pixel is
 * labelled. Images are generated in parallel, each from its own (seed, split, index) random
 * source, so the files are the same whatever the thread count. {@code synth.json} is written first
 * with {@code "complete": false} and rewritten last with {@code true}, so an interrupted write is
 * never mistaken for a finished one by {@link #matches}.
 */
public final class SyntheticBenchmarkWriter {

    /** Name of the manifest in the output folder. */
    public static final String MANIFEST = "synth.json";
    /** Folder of the source split (GTA5 layout). */
    public static final String SOURCE_DIR = "gta5";
    /** Folder of the target splits (Cityscapes layout). */
    public static final String TARGET_DIR = "cityscapes";
    /** Version of the generator; bump it whenever the generated pixels change. */
    public static final int FORMAT_VERSION = 1;
    /** Synthetic city names of the target train split; images are spread over them in blocks. */
    public static final List<String> TRAIN_CITIES = List.of("pixelburg", "rendermund", "texelstadt");
    /** Synthetic city names of the target val split. */
    public static final List<String> VAL_CITIES = List.of("voxelheim");

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SyntheticBenchmarkWriter() {
    }

    /**
     * {@code cluda synth} and the notebook API's: writes the benchmark of {@code spec} to
     * {@code outDir} unless the folder already holds exactly that one ({@link #matches}).
     *
     * @param overwrite delete a folder holding anything else (another benchmark, other files)
     *     first, instead of refusing it ({@code --overwrite})
     * @param log receives one line before anything is written, or saying that nothing is to do
     * @return what was written, or empty if the folder already held the benchmark
     * @throws UserInputException if the folder holds other files and {@code overwrite} is false
     * @throws IOException naming the file that could not be written
     */
    public static Optional<SynthSummary> writeUnlessPresent(SynthSpec spec, FileStore store, String outDir,
                                                            boolean overwrite, Consumer<String> log) throws IOException {
        if (matches(spec, store, outDir)) {
            log.accept(outDir + " already holds this benchmark (" + MANIFEST + " matches); nothing to do");
            return Optional.empty();
        }
        OutputDirectory.prepare(store, outDir, overwrite ? OutputDirectory.IfExists.OVERWRITE
                : OutputDirectory.IfExists.FAIL, false);
        log.accept(String.format(Locale.ROOT, "writing %d source + %d target-train + %d target-val images (%dx%d, "
                        + "style %.2f) to %s", spec.sourceImages(), spec.targetTrainImages(), spec.targetValImages(),
                spec.width(), spec.height(), spec.styleStrength(), outDir));
        return Optional.of(write(spec, store, outDir));
    }

    /**
     * Generates and writes every image and label of {@code spec} below {@code outDir}, replacing
     * files of the same name, then the manifest. {@code outDir} must be missing, empty, or hold a
     * benchmark with the same image counts (then every file is overwritten and none goes stale).
     *
     * @throws IllegalArgumentException if {@code outDir} holds other files
     * @throws IOException naming the file that could not be written
     */
    public static SynthSummary write(SynthSpec spec, FileStore store, String outDir) throws IOException {
        long start = System.nanoTime();
        checkReplaceable(spec, store, outDir);
        String manifest = store.resolve(outDir, MANIFEST);
        store.writeAtomically(manifest, manifestJson(spec, false, null));
        List<Job> jobs = new ArrayList<>();
        for (SynthSplit split : SynthSplit.values()) {
            for (int i = 0; i < spec.count(split); i++) {
                jobs.add(new Job(split, i));
            }
        }
        long[][] pixels = new long[SynthSplit.values().length][CityscapesClass.COUNT];
        List<long[]> histograms;
        try {
            histograms = IntStream.range(0, jobs.size()).parallel()
                    .mapToObj(j -> writeOne(spec, store, outDir, jobs.get(j)))
                    .toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        for (int j = 0; j < jobs.size(); j++) {
            long[] counts = pixels[jobs.get(j).split().ordinal()];
            long[] h = histograms.get(j);
            for (int c = 0; c < CityscapesClass.COUNT; c++) {
                counts[c] += h[c];
            }
        }
        store.writeAtomically(manifest, manifestJson(spec, true, pixels));
        double seconds = (System.nanoTime() - start) / 1e9;
        return new SynthSummary(spec, outDir, pixels[0], pixels[1], pixels[2], seconds);
    }

    /**
     * True if {@code outDir} holds a complete benchmark written for exactly {@code spec} by this
     * generator version; false if the manifest is missing, unreadable, incomplete or different.
     */
    public static boolean matches(SynthSpec spec, FileStore store, String outDir) throws IOException {
        JsonNode root = readManifest(store, outDir);
        if (root.path("format").asInt(-1) != FORMAT_VERSION || !root.path("complete").asBoolean(false)) {
            return false;
        }
        JsonNode s = root.path("spec");
        return s.path("seed").asLong() == spec.seed()
                && s.path("sourceImages").asInt() == spec.sourceImages()
                && s.path("targetTrainImages").asInt() == spec.targetTrainImages()
                && s.path("targetValImages").asInt() == spec.targetValImages()
                && s.path("width").asInt() == spec.width()
                && s.path("height").asInt() == spec.height()
                && s.path("styleStrength").isNumber()
                && s.path("styleStrength").asDouble() == spec.styleStrength();
    }

    /**
     * Refuses a folder whose files this write would not all replace: readers index every file in
     * the layout, so a leftover image from a larger or different benchmark would be trained on.
     */
    private static void checkReplaceable(SynthSpec spec, FileStore store, String outDir) throws IOException {
        if (!store.exists(outDir) || store.listFiles(outDir).isEmpty()) {
            return;
        }
        JsonNode s = readManifest(store, outDir).path("spec");
        if (s.path("sourceImages").asInt() != spec.sourceImages()
                || s.path("targetTrainImages").asInt() != spec.targetTrainImages()
                || s.path("targetValImages").asInt() != spec.targetValImages()) {
            throw new UserInputException(outDir + " already holds files that are not a synthetic benchmark with "
                    + "the same image counts (" + spec.sourceImages() + "/" + spec.targetTrainImages() + "/"
                    + spec.targetValImages() + "); write to an empty or new folder, or delete it first");
        }
    }

    /** The parsed manifest, or a missing node if there is none or it is not JSON. */
    private static JsonNode readManifest(FileStore store, String outDir) throws IOException {
        String manifest = store.resolve(outDir, MANIFEST);
        if (!store.exists(manifest)) {
            return MissingNode.getInstance();
        }
        try (InputStream in = store.open(manifest)) {
            JsonNode root = JSON.readTree(in);
            return root == null ? MissingNode.getInstance() : root;
        } catch (JsonProcessingException e) {
            return MissingNode.getInstance();
        }
    }

    /** The image path of {@code index} (0-based) of {@code split}, relative to the output folder. */
    public static String imagePath(SynthSplit split, int index, SynthSpec spec) {
        if (split == SynthSplit.SOURCE) {
            return SOURCE_DIR + "/images/" + String.format("%05d", index + 1) + ".png";
        }
        String city = city(split, index, spec);
        return TARGET_DIR + "/leftImg8bit/" + split.cityscapesSplit() + "/" + city + "/" + frame(city, index)
                + "_leftImg8bit.png";
    }

    /** The label path of {@code index} (0-based) of {@code split}, relative to the output folder. */
    public static String labelPath(SynthSplit split, int index, SynthSpec spec) {
        if (split == SynthSplit.SOURCE) {
            return SOURCE_DIR + "/labels/" + String.format("%05d", index + 1) + ".png";
        }
        String city = city(split, index, spec);
        return TARGET_DIR + "/gtFine/" + split.cityscapesSplit() + "/" + city + "/" + frame(city, index)
                + "_gtFine_labelIds.png";
    }

    /** The city of a target image: the split's cities each take one contiguous block of indices. */
    static String city(SynthSplit split, int index, SynthSpec spec) {
        List<String> cities = split == SynthSplit.TARGET_VAL ? VAL_CITIES : TRAIN_CITIES;
        return cities.get((int) ((long) index * cities.size() / spec.count(split)));
    }

    /** Train ids → Cityscapes label ids. */
    static LabelMap toLabelIds(LabelMap trainIds) {
        byte[] ids = trainIds.ids();
        byte[] out = new byte[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = (byte) CityscapesClass.ofTrainId(ids[i] & 0xFF).labelId();
        }
        return new LabelMap(trainIds.width(), trainIds.height(), out);
    }

    /** The Cityscapes colours indexed by label id, for the GTA5 palette labels. */
    static int[] labelIdPalette() {
        int[] palette = new int[256];
        for (CityscapesClass c : CityscapesClass.values()) {
            palette[c.labelId()] = c.rgb();
        }
        return palette;
    }

    private static String frame(String city, int index) {
        return city + "_000000_" + String.format("%06d", index);
    }

    private static long[] writeOne(SynthSpec spec, FileStore store, String outDir, Job job) {
        Scene scene = SyntheticScenes.generate(spec, job.split(), job.index());
        double strength = job.split().isTarget() ? spec.styleStrength() : 0.0;
        RgbImage image = SceneRenderer.render(scene, strength,
                job.split().random(spec.seed(), job.index(), SynthSplit.RENDER_STREAM));
        LabelMap labelIds = toLabelIds(scene.labels());
        String imagePath = store.resolve(outDir, imagePath(job.split(), job.index(), spec));
        String labelPath = store.resolve(outDir, labelPath(job.split(), job.index(), spec));
        try {
            put(store, imagePath, PngCodec.toBytes(out -> PngCodec.writeRgb(image, out)));
            byte[] label = job.split().isTarget()
                    ? PngCodec.toBytes(out -> PngCodec.writeGray8(labelIds, out))
                    : PngCodec.toBytes(out -> PngCodec.writePalette8(labelIds, labelIdPalette(), out));
            put(store, labelPath, label);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long[] histogram = scene.labels().histogram();
        long[] counts = new long[CityscapesClass.COUNT];
        System.arraycopy(histogram, 0, counts, 0, CityscapesClass.COUNT);
        return counts;
    }

    private static void put(FileStore store, String path, byte[] bytes) throws IOException {
        try (OutputStream out = store.create(path)) {
            out.write(bytes);
        } catch (IOException e) {
            throw new IOException("cannot write " + path + ": " + e.getMessage(), e);
        }
    }

    private static byte[] manifestJson(SynthSpec spec, boolean complete, long[][] pixels) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format", FORMAT_VERSION);
        root.put("complete", complete);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("seed", spec.seed());
        s.put("sourceImages", spec.sourceImages());
        s.put("targetTrainImages", spec.targetTrainImages());
        s.put("targetValImages", spec.targetValImages());
        s.put("width", spec.width());
        s.put("height", spec.height());
        s.put("styleStrength", spec.styleStrength());
        root.put("spec", s);
        Map<String, Object> layout = new LinkedHashMap<>();
        layout.put("source", folder("gta5", SOURCE_DIR));
        layout.put("target", folder("cityscapes", TARGET_DIR));
        layout.put("trainCities", TRAIN_CITIES);
        layout.put("valCities", VAL_CITIES);
        root.put("layout", layout);
        if (pixels != null) {
            Map<String, Object> frequencies = new LinkedHashMap<>();
            frequencies.put("source", frequencyMap(pixels[SynthSplit.SOURCE.ordinal()]));
            frequencies.put("targetTrain", frequencyMap(pixels[SynthSplit.TARGET_TRAIN.ordinal()]));
            frequencies.put("targetVal", frequencyMap(pixels[SynthSplit.TARGET_VAL.ordinal()]));
            root.put("classFrequencies", frequencies);
        }
        return JSON.writeValueAsBytes(root);
    }

    private static Map<String, String> folder(String type, String root) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("type", type);
        out.put("root", root);
        return out;
    }

    private static Map<String, Double> frequencyMap(long[] counts) {
        double[] f = SynthSummary.normalise(counts);
        Map<String, Double> out = new LinkedHashMap<>();
        for (CityscapesClass c : CityscapesClass.values()) {
            out.put(c.displayName(), Math.round(f[c.trainId()] * 1e6) / 1e6);
        }
        return out;
    }

    private record Job(SynthSplit split, int index) {
    }
}
