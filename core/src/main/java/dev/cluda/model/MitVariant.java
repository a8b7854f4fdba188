package dev.cluda.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The six Mix Transformer encoders of SegFormer ({@code mix_transformer.py}, reference §6.1): stage widths
 * and depths; all share heads (1, 2, 5, 8), spatial-reduction ratios (8, 4, 2, 1) and MLP ratio 4.
 */
enum MitVariant {
    MIT_B0(new int[] {32, 64, 160, 256}, new int[] {2, 2, 2, 2}),
    MIT_B1(new int[] {64, 128, 320, 512}, new int[] {2, 2, 2, 2}),
    MIT_B2(new int[] {64, 128, 320, 512}, new int[] {3, 4, 6, 3}),
    MIT_B3(new int[] {64, 128, 320, 512}, new int[] {3, 4, 18, 3}),
    MIT_B4(new int[] {64, 128, 320, 512}, new int[] {3, 8, 27, 3}),
    MIT_B5(new int[] {64, 128, 320, 512}, new int[] {3, 6, 40, 3});

    private static final int[] HEADS = {1, 2, 5, 8};
    private static final int[] SR_RATIOS = {8, 4, 2, 1};
    private static final int MLP_RATIO = 4;

    private final int[] dims;
    private final int[] depths;

    MitVariant(int[] dims, int[] depths) {
        this.dims = dims;
        this.depths = depths;
    }

    /**
     * The variant named {@code mit_b0} … {@code mit_b5} (SegFormer's names, case-insensitive).
     *
     * @throws IllegalArgumentException naming the accepted names when {@code id} is none of them
     */
    public static MitVariant fromId(String id) {
        for (MitVariant v : values()) {
            if (v.id().equalsIgnoreCase(String.valueOf(id).trim())) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown encoder '" + id + "'; accepted: " + acceptedIds());
    }

    /** The accepted names, comma separated: {@code mit_b0, …, mit_b5}. */
    public static String acceptedIds() {
        return Arrays.stream(values()).map(MitVariant::id).collect(Collectors.joining(", "));
    }

    /** SegFormer's name, e.g. {@code mit_b5}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Channel width of stage {@code i} (0-based). */
    public int dim(int i) {
        return dims[i];
    }

    /** Number of transformer blocks of stage {@code i} (0-based). */
    public int depth(int i) {
        return depths[i];
    }

    /** Attention heads of stage {@code i} (0-based). */
    public int heads(int i) {
        return HEADS[i];
    }

    /** Spatial-reduction ratio of stage {@code i} (0-based). */
    public int srRatio(int i) {
        return SR_RATIOS[i];
    }

    public int mlpRatio() {
        return MLP_RATIO;
    }

    /** The four stage widths, a copy. */
    public int[] dims() {
        return dims.clone();
    }

    /** Total number of transformer blocks over the four stages. */
    public int totalDepth() {
        return Arrays.stream(depths).sum();
    }
}
