package dev.cluda.uda;

import dev.cluda.ndarray.HostArrays;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.cluda.data.LabelMap;

/**
 * Image borders whose pseudo-label weight is zeroed (reference §2.3), in pixels:
 *
 * <ul>
 *   <li>HRDA/CLUDA/MIC ({@link #hrda()}, [30, 240, 30, 30]): a validity mask is built at the
 *       FULL image size before random cropping and travels with the image through crop and flip
 *       (HRDA {@code cityscapes.py::pre_pipeline}). The counts are pixels at the original
 *       resolution and the reference does NOT scale them with the image size: an experiment on
 *       down-scaled images must scale them itself in its configuration.</li>
 *   <li>DAFormer ({@link #daformer()}, top 15 / bottom 120 rows): applied to the 512×512 target
 *       crop itself, which spans the full height of the 1024×512 image
 *       ({@code pseudo_weight_ignore_top/bottom}).</li>
 * </ul>
 *
 * A margin of 0 ignores nothing on that side.
 */
public record PseudoMargins(int top, int bottom, int left, int right) {

    public PseudoMargins {
        if (top < 0 || bottom < 0 || left < 0 || right < 0) {
            throw new IllegalArgumentException("pseudo-label margins must be non-negative, got top " + top
                    + ", bottom " + bottom + ", left " + left + ", right " + right);
        }
    }

    /** HRDA {@code crop_pseudo_margins = [30, 240, 30, 30]} at 2048×1024, applied before cropping. */
    public static PseudoMargins hrda() {
        return new PseudoMargins(30, 240, 30, 30);
    }

    /** DAFormer's top 15 / bottom 120 rows of the 512×512 crop, applied to the crop. */
    public static PseudoMargins daformer() {
        return cropRows(15, 120);
    }

    /** Ignore the top and bottom rows only (DAFormer style). */
    public static PseudoMargins cropRows(int top, int bottom) {
        return new PseudoMargins(top, bottom, 0, 0);
    }

    /** No margin. */
    public static PseudoMargins none() {
        return new PseudoMargins(0, 0, 0, 0);
    }

    /**
     * The validity mask as a 0/1 float plane (H·W, row-major) for the host-side data pipeline,
     * which crops and flips it together with the label ({@code TrainTransform}).
     */
    public float[] mask(int width, int height) {
        byte[] ids = validityMap(width, height).ids();
        float[] mask = new float[ids.length];
        for (int i = 0; i < ids.length; i++) {
            mask[i] = ids[i];
        }
        return mask;
    }

    /**
     * The validity mask of a {@code width × height} image as a label map of 1 (valid) and 0
     * (margin), so the data pipeline can crop and flip it with the label.
     */
    public LabelMap validityMap(int width, int height) {
        checkFits(width, height);
        LabelMap map = new LabelMap(width, height, new byte[width * height]);
        for (int y = top; y < height - bottom; y++) {
            for (int x = left; x < width - right; x++) {
                map.set(x, y, 1);
            }
        }
        return map;
    }

    /** The validity mask, shape {@code (height, width)}, float32 1 (valid) / 0 (margin). */
    public NDArray validityMask(NDManager manager, int width, int height) {
        byte[] ids = validityMap(width, height).ids();
        float[] values = new float[ids.length];
        for (int i = 0; i < ids.length; i++) {
            values[i] = ids[i];
        }
        return HostArrays.create(manager, values, new Shape(height, width));
    }

    private void checkFits(int width, int height) {
        if (top + bottom >= height || left + right >= width) {
            throw new IllegalArgumentException("pseudo-label margins " + this + " leave no valid pixel in a "
                    + width + "x" + height + " image; margins are pixels at the full image size, scale them with "
                    + "the image");
        }
    }
}
