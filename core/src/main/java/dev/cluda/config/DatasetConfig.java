package dev.cluda.config;

import dev.cluda.data.DatasetKind;
import dev.cluda.synth.SyntheticBenchmarkWriter;
import java.util.List;
import java.util.Objects;

/**
 * One dataset of an experiment ({@code data.source.*} or {@code data.target.*}): its kind, root
 * and split. Kind {@code synthetic} is the built-in benchmark: its root holds the GTA5-layout
 * source in {@code gta5/} and the Cityscapes-layout target in {@code cityscapes/}, read by the
 * real readers.
 */
public record DatasetConfig(String type, String root, String split) {

    /** Accepted values of {@code data.*.type}. */
    public static final List<String> TYPES = List.of("gta5", "synthia", "cityscapes", "synthetic");

    public DatasetConfig {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(split, "split");
    }

    static DatasetConfig from(Settings s, String prefix) {
        String type = s.choice(prefix + ".type", TYPES);
        String root = s.string(prefix + ".root");
        if (root.isBlank()) {
            throw s.error(prefix + ".root", "must name the dataset's root folder or URI");
        }
        return new DatasetConfig(type, root, s.string(prefix + ".split"));
    }

    public boolean isSynthetic() {
        return type.equals("synthetic");
    }

    /**
     * The on-disk dataset this reads: for {@code synthetic}, the GTA5 layout below
     * {@code root/gta5} as a source or the Cityscapes layout below {@code root/cityscapes} as a
     * target.
     *
     * @param asSource whether this is the source dataset
     */
    public ResolvedDataset resolve(boolean asSource) {
        if (!isSynthetic()) {
            return new ResolvedDataset(DatasetKind.parse(type), root);
        }
        String sub = asSource ? SyntheticBenchmarkWriter.SOURCE_DIR : SyntheticBenchmarkWriter.TARGET_DIR;
        String joined = root.endsWith("/") ? root + sub : root + "/" + sub;
        return new ResolvedDataset(asSource ? DatasetKind.GTA5 : DatasetKind.CITYSCAPES, joined);
    }

    /** A dataset layout and the root folder it lives in. */
    public record ResolvedDataset(DatasetKind kind, String root) {
    }
}
