package dev.cluda.data;

import dev.cluda.io.FileStore;
import java.io.IOException;
import java.io.InputStream;

/**
 * SYNTHIA-RAND-CITYSCAPES ({@code root/RGB/NNNNNNN.png}, {@code root/GT/LABELS/NNNNNNN.png};
 * reference §8.1). Labels are 16-bit three-channel PNGs with the class id in the first channel
 * (band 0) and instance data in the others (reference §8.2); the dataset has no splits, so the
 * split argument is ignored. The sample id is the file name without {@code .png}.
 */
final class SynthiaReader extends PairedDatasetReader {

    private static final LabelMapping MAPPING = LabelMapping.synthia();

    @Override
    String imageDir(FileStore store, String root, String split) {
        return store.resolve(root, "RGB");
    }

    @Override
    String labelDir(FileStore store, String root, String split) {
        return store.resolve(store.resolve(root, "GT"), "LABELS");
    }

    @Override
    ImageEntry parseImage(String relativePath) {
        return FlatLayout.entry(relativePath);
    }

    @Override
    String layoutDescription() {
        return "RGB/NNNNNNN.png with GT/LABELS/NNNNNNN.png";
    }

    @Override
    String recordedSplit(String split) {
        return "";
    }

    @Override
    LabelFormat labelFormat() {
        return LabelFormat.SYNTHIA_LABELS;
    }

    @Override
    LabelMap readRawLabel(InputStream in, String file) throws IOException {
        return PngCodec.readLabel16Band0(in, file);
    }

    @Override
    public LabelMapping mapping() {
        return MAPPING;
    }
}
