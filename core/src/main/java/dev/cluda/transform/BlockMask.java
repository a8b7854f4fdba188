package dev.cluda.transform;

import java.util.random.RandomGenerator;

/**
 * MIC's block mask (Hoyer et al. 2023, {@code masking_consistency_module.py}, {@code BlockMaskGenerator}):
 * the image is divided into a grid of {@code blockSize × blockSize} cells from its top-left corner
 * (the last row and column of cells are cut at the border when the size is not a multiple), each
 * cell is kept with probability {@code 1 − maskRatio} and masked otherwise, and the image is
 * multiplied by the mask upsampled nearest to the pixels.
 *
 * @param blockSize cell side in pixels (MIC: 64 at 512 crops)
 * @param maskRatio probability that a cell is masked (MIC: 0.7)
 */
public record BlockMask(int blockSize, double maskRatio) {

    public BlockMask {
        if (blockSize < 1) {
            throw new IllegalArgumentException("mask block size must be >= 1 pixel, got " + blockSize);
        }
        if (!(maskRatio >= 0 && maskRatio <= 1)) {
            throw new IllegalArgumentException("mask ratio must be in [0, 1], got " + maskRatio);
        }
    }

    /**
     * One mask of {@code width × height} pixels, row-major, 1 kept / 0 masked; one uniform per cell
     * in row-major cell order, so the same generator state gives the same mask.
     */
    public float[] draw(int width, int height, RandomGenerator rng) {
        int cols = (width + blockSize - 1) / blockSize;
        int rows = (height + blockSize - 1) / blockSize;
        boolean[] kept = new boolean[rows * cols];
        for (int i = 0; i < kept.length; i++) {
            // MIC keeps a cell where rand > mask_ratio
            kept[i] = rng.nextDouble() > maskRatio;
        }
        float[] mask = new float[width * height];
        for (int y = 0; y < height; y++) {
            int row = (y / blockSize) * cols;
            for (int x = 0; x < width; x++) {
                mask[y * width + x] = kept[row + x / blockSize] ? 1f : 0f;
            }
        }
        return mask;
    }

    /** The image times a freshly drawn mask (every channel); masked pixels become 0, the mean after normalisation. */
    public FloatImage apply(FloatImage image, RandomGenerator rng) {
        float[] mask = draw(image.width(), image.height(), rng);
        float[] out = image.data().clone();
        int plane = image.planeSize();
        for (int c = 0; c < image.channels(); c++) {
            for (int p = 0; p < plane; p++) {
                out[c * plane + p] *= mask[p];
            }
        }
        return new FloatImage(image.channels(), image.height(), image.width(), out);
    }
}
