package dev.cluda.data;

import dev.cluda.error.UserInputException;
import dev.cluda.io.FileStore;
import java.io.IOException;
import java.io.InputStream;

/**
 * Cityscapes ({@code root/leftImg8bit/<split>/<city>/<city>_<seq>_<frame>_leftImg8bit.png} with
 * {@code root/gtFine/<split>/<city>/<city>_<seq>_<frame>_gtFine_labelIds.png}; reference §8.1).
 * The 8-bit {@code labelIds} are the canonical labels and are mapped through
 * {@link LabelMapping#cityscapes()} (reference §8.2), so no {@code labelTrainIds} files are
 * needed. The sample id is {@code <city>_<seq>_<frame>}; the city is the directory name.
 */
public final class CityscapesReader extends PairedDatasetReader {

    private static final String IMAGE_SUFFIX = "_leftImg8bit.png";
    private static final String LABEL_SUFFIX = "_gtFine_labelIds.png";
    private static final LabelMapping MAPPING = LabelMapping.cityscapes();

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if {@code split} is null or blank (Cityscapes has train, val, test)
     */
    @Override
    public DatasetIndex scan(FileStore store, String root, String split) throws IOException {
        if (split == null || split.isBlank() || split.contains("/")) {
            throw new UserInputException("Cityscapes needs a split directory name such as train or val, got '"
                    + split + "'");
        }
        return super.scan(store, root, split);
    }

    @Override
    String imageDir(FileStore store, String root, String split) {
        return store.resolve(store.resolve(root, "leftImg8bit"), split);
    }

    @Override
    String labelDir(FileStore store, String root, String split) {
        return store.resolve(store.resolve(root, "gtFine"), split);
    }

    @Override
    ImageEntry parseImage(String relativePath) {
        int slash = relativePath.indexOf('/');
        if (slash <= 0 || relativePath.indexOf('/', slash + 1) >= 0 || !relativePath.endsWith(IMAGE_SUFFIX)) {
            return null;
        }
        String city = relativePath.substring(0, slash);
        String name = relativePath.substring(slash + 1);
        String id = name.substring(0, name.length() - IMAGE_SUFFIX.length());
        if (!id.startsWith(city + "_")) {
            return null;
        }
        return new ImageEntry(id, city, city + "/" + id + LABEL_SUFFIX);
    }

    @Override
    String layoutDescription() {
        return "leftImg8bit/<split>/<city>/<city>_<seq>_<frame>" + IMAGE_SUFFIX
                + " with gtFine/<split>/<city>/<city>_<seq>_<frame>" + LABEL_SUFFIX;
    }

    @Override
    String recordedSplit(String split) {
        return split;
    }

    @Override
    LabelFormat labelFormat() {
        return LabelFormat.CITYSCAPES_LABEL_IDS;
    }

    @Override
    LabelMap readRawLabel(InputStream in, String file) throws IOException {
        return readSingleBand8(in, file);
    }

    @Override
    public LabelMapping mapping() {
        return MAPPING;
    }
}
