package dev.cluda.data;

import dev.cluda.io.FileStore;
import java.io.IOException;
import java.io.InputStream;

/**
 * GTA5 ({@code root/images/NNNNN.png}, {@code root/labels/NNNNN.png}; reference §8.1). Labels
 * are 8-bit palette PNGs whose palette index is the Cityscapes label id; the dataset has no
 * splits, so the split argument is ignored and samples carry an empty split. The sample id is
 * the file name without {@code .png}.
 */
public final class Gta5Reader extends PairedDatasetReader {

    private static final LabelMapping MAPPING = LabelMapping.cityscapes();

    @Override
    String imageDir(FileStore store, String root, String split) {
        return store.resolve(root, "images");
    }

    @Override
    String labelDir(FileStore store, String root, String split) {
        return store.resolve(root, "labels");
    }

    @Override
    ImageEntry parseImage(String relativePath) {
        return FlatLayout.entry(relativePath);
    }

    @Override
    String layoutDescription() {
        return "images/NNNNN.png with labels/NNNNN.png";
    }

    @Override
    String recordedSplit(String split) {
        return "";
    }

    @Override
    LabelFormat labelFormat() {
        return LabelFormat.GTA5;
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
