package dev.cluda.data;

/** Image/label pairing of the split-less layouts (GTA5, SYNTHIA): same relative path, id = path without {@code .png}. */
final class FlatLayout {

    private FlatLayout() {
    }

    static PairedDatasetReader.ImageEntry entry(String relativePath) {
        if (!relativePath.endsWith(".png")) {
            return null;
        }
        String id = relativePath.substring(0, relativePath.length() - ".png".length());
        return new PairedDatasetReader.ImageEntry(id, "", relativePath);
    }
}
