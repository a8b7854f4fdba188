package dev.cluda.data;

import dev.cluda.io.FileStore;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * A dataset layout on disk (GTA5, SYNTHIA, Cityscapes, or loose image files without labels,
 * {@link ImageFileReader}): how to list its samples and how to decode one into train ids.
 * Decoding works on byte streams so that Spark executors can feed Hadoop FileSystem streams.
 */
public interface DatasetReader {

    /** The samples of {@code split} below {@code root}, sorted by id. Layouts without splits ignore it. */
    List<SampleRef> index(FileStore store, String root, String split) throws IOException;

    /**
     * The images of {@code split} below {@code root}, split into labelled samples and unlabelled
     * images. By default {@link #index} sorted by whether a sample has a label, with no missing
     * labels: only layouts that pair image and label files ({@link PairedDatasetReader}) can tell
     * that a label should have been there.
     */
    default DatasetIndex scan(FileStore store, String root, String split) throws IOException {
        List<SampleRef> all = index(store, root, split);
        return new DatasetIndex(all.stream().filter(SampleRef::hasLabel).toList(), List.of(),
                all.stream().filter(ref -> !ref.hasLabel()).toList());
    }

    /**
     * Decodes one sample; {@code label} may be null for an unlabelled sample.
     *
     * @throws BadSampleException naming the file if it is unreadable, of the wrong format, holds
     *     a value outside the label table, or does not match its partner's size
     */
    Sample decode(SampleRef ref, InputStream image, InputStream label) throws IOException;

    /** Opens and decodes one sample from {@code store}. */
    default Sample read(FileStore store, SampleRef ref) throws IOException {
        try (InputStream image = store.open(ref.imagePath());
             InputStream label = ref.hasLabel() ? store.open(ref.labelPath()) : null) {
            return decode(ref, image, label);
        }
    }
}
