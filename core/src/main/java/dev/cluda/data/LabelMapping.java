package dev.cluda.data;

import java.util.Arrays;
import java.util.function.ToIntFunction;

/**
 * A 256-entry lookup table from a dataset's raw label id to the Cityscapes train id, every id not
 * in the table mapping to {@link LabelMap#IGNORE} (reference §8.2).
 *
 * <p>Each table also knows the largest raw id its dataset can hold (Cityscapes/GTA5 {@code 33},
 * SYNTHIA {@code 22}); a raw value above it is not "ignore" but a broken or foreign label file,
 * and {@link #apply} rejects it.
 */
final class LabelMapping {

    private final String name;
    private final int maxValidId;
    private final byte[] table;

    private LabelMapping(String name, int maxValidId, ToIntFunction<CityscapesClass> rawId) {
        this.name = name;
        this.maxValidId = maxValidId;
        this.table = new byte[256];
        Arrays.fill(table, (byte) LabelMap.IGNORE);
        for (CityscapesClass c : CityscapesClass.values()) {
            table[rawId.applyAsInt(c)] = (byte) c.trainId();
        }
    }

    /** Cityscapes {@code labelIds} (= GTA5 label ids): raw ids 0..33. */
    public static LabelMapping cityscapes() {
        return new LabelMapping("Cityscapes/GTA5", 33, CityscapesClass::labelId);
    }

    /** SYNTHIA-RAND-CITYSCAPES {@code GT/LABELS} band 0: raw ids 0..22. */
    public static LabelMapping synthia() {
        return new LabelMapping("SYNTHIA", 22, CityscapesClass::synthiaId);
    }

    /** The table's name as used in messages ("Cityscapes/GTA5", "SYNTHIA"). */
    public String name() {
        return name;
    }

    /** The largest raw id a label file of this dataset may hold. */
    public int maxValidId() {
        return maxValidId;
    }

    /**
     * The train id of one raw id 0..255 ({@link LabelMap#IGNORE} where the table has none).
     *
     * @throws IllegalArgumentException if {@code rawId} is not in 0..255
     */
    public int trainId(int rawId) {
        if (rawId < 0 || rawId > 255) {
            throw new IllegalArgumentException("raw label id must be in 0..255, got " + rawId);
        }
        return table[rawId] & 0xFF;
    }

    /**
     * Maps a raw label map to train ids; the input is left unchanged.
     *
     * @param file the label file, named in the error
     * @throws BadSampleException if a value is above {@link #maxValidId()}, naming the value and
     *     the first such pixel in row-major order
     */
    public LabelMap apply(LabelMap raw, String file) throws BadSampleException {
        byte[] in = raw.ids();
        byte[] out = new byte[in.length];
        for (int i = 0; i < in.length; i++) {
            int v = in[i] & 0xFF;
            if (v > maxValidId) {
                throw new BadSampleException(file, "label values outside the table: value " + v + " at (x, y) = ("
                        + (i % raw.width()) + ", " + (i / raw.width()) + "); the " + name
                        + " table holds raw ids 0.." + maxValidId + " (is this the right dataset kind?)");
            }
            out[i] = table[v];
        }
        return new LabelMap(raw.width(), raw.height(), out);
    }

    @Override
    public String toString() {
        return "LabelMapping[" + name + ", raw ids 0.." + maxValidId + "]";
    }
}
