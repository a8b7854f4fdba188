package dev.cluda.jobs;

import dev.cluda.data.DatasetKind;
import dev.cluda.data.DatasetReader;
import dev.cluda.data.ImageFileReader;
import dev.cluda.error.UserInputException;
import java.io.Serializable;
import java.util.Objects;

/**
 * The images a {@link CheckpointInference} runs on, as Spark ships them to executors: a split of
 * a dataset layout ({@code cluda eval --checkpoint}, {@code cluda pseudo-labels}) or loose image
 * files ({@code cluda predict}). Either names the reader that lists the images on the driver and
 * decodes them on the executors.
 */
public sealed interface InferenceImages extends Serializable {

    /** A new reader of the images' layout. */
    DatasetReader reader();

    /** The folder (or file) the reader lists. */
    String root();

    /** The split the reader lists; empty where there is none. */
    String split();

    /**
     * A split of a dataset.
     *
     * @param kind the dataset layout, {@code root} its root
     * @param split the split's name ({@code --split} or the configuration's)
     */
    record DatasetSplit(DatasetKind kind, String root, String split) implements InferenceImages {

        private static final long serialVersionUID = 1L;

        public DatasetSplit {
            Objects.requireNonNull(kind, "dataset kind is required: pass --dataset or set data.target.type");
            Objects.requireNonNull(root, "dataset root is required: pass --root or set data.target.root");
            Objects.requireNonNull(split, "split is required: pass --split NAME");
            if (split.isBlank()) {
                throw new UserInputException("split is blank; pass --split NAME (e.g. train or val)");
            }
        }

        @Override
        public DatasetReader reader() {
            return kind.reader();
        }
    }

    /**
     * Loose PNG and JPEG files without labels ({@link ImageFileReader}).
     *
     * @param path one image file, or a folder or URI prefix searched recursively ({@code --input})
     */
    record Files(String path) implements InferenceImages {

        private static final long serialVersionUID = 1L;

        public Files {
            Objects.requireNonNull(path, "input is required: pass --input PATH");
        }

        @Override
        public DatasetReader reader() {
            return new ImageFileReader();
        }

        @Override
        public String root() {
            return path;
        }

        @Override
        public String split() {
            return "";
        }
    }
}
