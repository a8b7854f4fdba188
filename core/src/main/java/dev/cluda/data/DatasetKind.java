package dev.cluda.data;

import dev.cluda.error.UserInputException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The three datasets of the paper and their readers (reference §8.1); config values {@code gta5|synthia|cityscapes}. */
public enum DatasetKind {
    GTA5("gta5"),
    SYNTHIA("synthia"),
    CITYSCAPES("cityscapes");

    private final String configName;

    DatasetKind(String configName) {
        this.configName = configName;
    }

    /** The name used in configuration files. */
    public String configName() {
        return configName;
    }

    /** A new reader for this dataset's layout. */
    public PairedDatasetReader reader() {
        return switch (this) {
            case GTA5 -> new Gta5Reader();
            case SYNTHIA -> new SynthiaReader();
            case CITYSCAPES -> new CityscapesReader();
        };
    }

    /**
     * The kind named by a configuration value (case and surrounding blanks ignored).
     *
     * @throws IllegalArgumentException naming the accepted values if {@code value} is none of them
     */
    public static DatasetKind parse(String value) {
        String key = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        for (DatasetKind kind : values()) {
            if (kind.configName.equals(key)) {
                return kind;
            }
        }
        throw new UserInputException("unknown dataset '" + value + "'; accepted values: "
                + Arrays.stream(values()).map(DatasetKind::configName).collect(Collectors.joining(", ")));
    }
}
