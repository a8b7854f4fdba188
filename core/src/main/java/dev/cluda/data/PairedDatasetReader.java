package dev.cluda.data;

import dev.cluda.error.InvalidFileException;
import dev.cluda.io.FileStore;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A layout of one image directory and one label directory whose files pair up by relative
 * path (reference §8.1). Subclasses say where the directories are, which image files belong
 * to the dataset and how a raw label is read; this class lists both directories with
 * {@link FileStore#listFiles} (two listings, no per-file existence checks, so it is cheap on
 * object stores), pairs them and decodes samples through the dataset's {@link LabelMapping}.
 *
 * <p>Label files without an image (such as the {@code _labelTrainIds.png} files that the
 * DAFormer conversion scripts write next to the raw labels) are ignored.
 */
public abstract class PairedDatasetReader implements DatasetReader {

    /** One image file of the layout: its sample id, city and the label path below the label directory. */
    record ImageEntry(String id, String city, String labelRelativePath) {
    }

    PairedDatasetReader() {
    }

    /** The directory the images of {@code split} live in. */
    abstract String imageDir(FileStore store, String root, String split);

    /** The directory the labels of {@code split} live in. */
    abstract String labelDir(FileStore store, String root, String split);

    /** The entry of an image file given by its path relative to {@link #imageDir}, or null if it is not an image of the layout. */
    abstract ImageEntry parseImage(String relativePath);

    /** The file pattern of {@link #parseImage}, for error messages. */
    abstract String layoutDescription();

    /** The split recorded in each {@link SampleRef}: empty for layouts without splits. */
    abstract String recordedSplit(String split);

    /** What the label files must be, checked from their header before they are decoded. */
    abstract LabelFormat labelFormat();

    /** Reads the raw label ids of one label file. */
    abstract LabelMap readRawLabel(InputStream in, String file) throws IOException;

    /** The table from raw ids to train ids. */
    public abstract LabelMapping mapping();

    /**
     * {@inheritDoc}
     *
     * <p>A missing label fails the whole index; use {@link #scan} (or a {@link SampleLoader})
     * to apply a {@link BadSamplePolicy} instead.
     *
     * @throws BadSampleException naming the first image without its label
     */
    @Override
    public final List<SampleRef> index(FileStore store, String root, String split) throws IOException {
        return scan(store, root, split).requireComplete();
    }

    /**
     * Lists images and labels of {@code split} below {@code root} and pairs them; an image without
     * its label file is both a missing label and an unlabelled image.
     *
     * @throws IOException if the image directory does not exist or holds no image of the layout
     */
    @Override
    public DatasetIndex scan(FileStore store, String root, String split) throws IOException {
        String images = imageDir(store, root, split);
        String labels = labelDir(store, root, split);
        if (!store.exists(images)) {
            throw new InvalidFileException(images + ": image directory not found; expected " + layoutDescription()
                    + " below dataset root " + root);
        }
        Set<String> labelFiles = new HashSet<>();
        if (store.exists(labels)) {
            for (String path : store.listFiles(labels)) {
                labelFiles.add(store.relativize(labels, path));
            }
        }
        List<SampleRef> samples = new ArrayList<>();
        List<BadSampleException> missing = new ArrayList<>();
        List<SampleRef> unlabelled = new ArrayList<>();
        String recorded = recordedSplit(split);
        for (String path : store.listFiles(images)) {
            ImageEntry entry = parseImage(store.relativize(images, path));
            if (entry == null) {
                continue;
            }
            String labelPath = store.resolve(labels, entry.labelRelativePath());
            if (labelFiles.contains(entry.labelRelativePath())) {
                samples.add(new SampleRef(entry.id(), path, labelPath, recorded, entry.city()));
            } else {
                missing.add(new BadSampleException(path, "label file missing: expected " + labelPath));
                unlabelled.add(new SampleRef(entry.id(), path, null, recorded, entry.city()));
            }
        }
        if (samples.isEmpty() && missing.isEmpty()) {
            throw new InvalidFileException(images + ": no images found; expected " + layoutDescription()
                    + " below dataset root " + root);
        }
        samples.sort(Comparator.comparing(SampleRef::id));
        missing.sort(Comparator.comparing(BadSampleException::file));
        unlabelled.sort(Comparator.comparing(SampleRef::id));
        return new DatasetIndex(samples, missing, unlabelled);
    }

    /**
     * {@inheritDoc}
     *
     * <p>The image is decoded first (it must be a PNG or a JPEG), then the label, whose header
     * must match {@link #labelFormat()} and whose size must equal the image's; raw ids are mapped
     * through {@link #mapping()}.
     */
    @Override
    public Sample decode(SampleRef ref, InputStream image, InputStream label) throws IOException {
        RgbImage rgb = PngCodec.readImage(image, ref.imagePath());
        if (label == null) {
            return new Sample(ref, rgb, null);
        }
        String labelFile = ref.labelPath() == null ? ref.id() + " (label)" : ref.labelPath();
        InputStream labelIn = PngCodec.markable(label);
        labelFormat().check(PngCodec.peek(labelIn, PngCodec.HEADER_LENGTH), labelFile);
        LabelMap raw = readRawLabel(labelIn, labelFile);
        if (raw.width() != rgb.width() || raw.height() != rgb.height()) {
            throw new BadSampleException(ref.imagePath(), "image is " + rgb.width() + "x" + rgb.height()
                    + " but its label " + labelFile + " is " + raw.width() + "x" + raw.height()
                    + " (image/label size mismatch)");
        }
        return new Sample(ref, rgb, mapping().apply(raw, labelFile));
    }

    /**
     * Reads an 8-bit single-channel label PNG (gray or palette; for a palette PNG the index,
     * never the colour). A colour (three-channel) PNG is rejected rather than read as its red
     * channel.
     */
    static LabelMap readSingleBand8(InputStream in, String file) throws IOException {
        BufferedImage image = PngCodec.decode(in, file);
        Raster raster = image.getRaster();
        int bands = raster.getNumBands();
        int bits = raster.getSampleModel().getSampleSize(0);
        if (bands != 1 || bits > 8) {
            throw new BadSampleException(file, "expected an 8-bit single-channel label PNG (gray or palette"
                    + " index), found " + bands + " channel(s) of " + bits + "-bit samples");
        }
        int w = raster.getWidth();
        int h = raster.getHeight();
        int[] values = raster.getSamples(0, 0, w, h, 0, new int[w * h]);
        byte[] ids = new byte[w * h];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = (byte) values[i];
        }
        return new LabelMap(w, h, ids);
    }
}
