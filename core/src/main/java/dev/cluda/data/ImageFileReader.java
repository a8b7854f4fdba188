package dev.cluda.data;

import dev.cluda.error.InvalidFileException;
import dev.cluda.io.FileStore;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Loose image files without labels, the input of {@code cluda predict}: one file, or every
 * {@code .png}, {@code .jpg} and {@code .jpeg} file (any case) below a folder or an object-store
 * prefix, searched recursively. Files and folders whose name starts with {@code .} or {@code _}
 * are left out, as Hadoop's own input formats leave them out (checksums, {@code _SUCCESS}, editor
 * and OS files). A file named on its own is taken whatever its name; every image's format is
 * checked from its first bytes when it is decoded ({@link PngCodec#readImage}).
 *
 * <p>The sample id is the file name without its extension, unique across the input: predictions
 * are written into one flat folder as {@code <id>.png}, which for a PNG is the image's own file
 * name, the name {@code cluda eval --pred} looks for ({@code PredictionScorer}). Two files with the
 * same id (the same name in two folders, or {@code a.png} beside {@code a.jpg}) are an error
 * naming both. Samples have no label, split or city; the split argument is ignored.
 */
public final class ImageFileReader implements DatasetReader {

    private static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg");

    /**
     * {@inheritDoc}
     *
     * @throws FileNotFoundException naming {@code root} if it does not exist
     * @throws InvalidFileException naming {@code root} if it is a folder without images, or both files
     *     of two with the same id
     */
    @Override
    public List<SampleRef> index(FileStore store, String root, String split) throws IOException {
        if (!store.exists(root)) {
            throw new FileNotFoundException("input " + root + " does not exist; pass an image file (PNG or JPEG), "
                    + "a folder of images or a URI prefix");
        }
        if (!store.isDirectory(root)) {
            return List.of(unlabelled(id(root), root));
        }
        Map<String, String> byId = new TreeMap<>();
        for (String path : store.listFiles(root)) {
            String relative = store.relativize(root, path);
            if (isHidden(relative) || !hasImageExtension(relative)) {
                continue;
            }
            String id = id(relative);
            String other = byId.putIfAbsent(id, path);
            if (other != null) {
                throw new InvalidFileException(other + " and " + path + " share the name '" + id
                        + "' without extension, and predictions of the input are written side by side as <name>.png; "
                        + "rename one of them or predict the folders one at a time");
            }
        }
        if (byId.isEmpty()) {
            throw new InvalidFileException(root + ": no images found (PNG or JPEG files named *.png, *.jpg or *.jpeg, "
                    + "searched recursively); pass an image file or a folder that holds images");
        }
        List<SampleRef> refs = new ArrayList<>(byId.size());
        byId.forEach((id, path) -> refs.add(unlabelled(id, path)));
        return refs;
    }

    /**
     * Decodes the image (PNG or JPEG by its first bytes).
     *
     * @throws BadSampleException naming the file if it is neither or cannot be decoded
     * @throws IllegalArgumentException if a label stream is given: these samples have none
     */
    @Override
    public Sample decode(SampleRef ref, InputStream image, InputStream label) throws IOException {
        if (label != null) {
            throw new IllegalArgumentException(ref.imagePath() + ": loose image files have no label, got "
                    + ref.labelPath());
        }
        return new Sample(ref, PngCodec.readImage(image, ref.imagePath()), null);
    }

    private static SampleRef unlabelled(String id, String path) {
        return new SampleRef(id, path, null, "", "");
    }

    /** The file name of {@code path} without its extension (the whole name if it has none). */
    static String id(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    private static boolean hasImageExtension(String path) {
        String lower = path.toLowerCase(Locale.ROOT);
        return EXTENSIONS.stream().anyMatch(lower::endsWith);
    }

    /** Whether a file or a folder on its path below the root starts with '.' or '_'. */
    private static boolean isHidden(String relative) {
        for (String segment : relative.split("/")) {
            if (segment.startsWith(".") || segment.startsWith("_")) {
                return true;
            }
        }
        return false;
    }
}
