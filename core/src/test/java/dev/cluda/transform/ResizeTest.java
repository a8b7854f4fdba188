package dev.cluda.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cluda.data.LabelMap;
import dev.cluda.data.RgbImage;
import org.junit.jupiter.api.Test;

class ResizeTest {

    @Test
    void targetSize_gtaToDaformerScale_1280x704() {
        assertEquals(new Resize.Size(1280, 704), new Resize(1280, 720).targetSize(1914, 1052));
    }

    @Test
    void targetSize_cityscapesToDaformerScale_1024x512() {
        assertEquals(new Resize.Size(1024, 512), new Resize(1024, 512).targetSize(2048, 1024));
    }

    @Test
    void targetSize_gtaToHrdaScale_2560x1407() {
        assertEquals(new Resize.Size(2560, 1407), new Resize(2560, 1440).targetSize(1914, 1052));
    }

    @Test
    void targetSize_scaleGivenShortFirst_sameAsLongFirst() {
        assertEquals(new Resize(1280, 720).targetSize(1914, 1052), new Resize(720, 1280).targetSize(1914, 1052));
    }

    @Test
    void bilinear_2x2To4x4_halfPixelCentresClampedEdges() {
        FloatImage src = new FloatImage(1, 2, 2, new float[] {0, 10, 20, 30});
        FloatImage out = Resize.bilinear(src, 4, 4);
        assertArrayEquals(new float[] {
            0, 2.5f, 7.5f, 10,
            5, 7.5f, 12.5f, 15,
            15, 17.5f, 22.5f, 25,
            20, 22.5f, 27.5f, 30}, out.data(), 1e-5f);
    }

    @Test
    void bilinear_4To2Downscale_averagesPairs() {
        // src = (d + 0.5) * 2 - 0.5 = 0.5, 2.5: midway between neighbours, no anti-aliasing
        FloatImage src = new FloatImage(1, 1, 4, new float[] {0, 4, 8, 16});
        assertArrayEquals(new float[] {2, 12}, Resize.bilinear(src, 2, 1).data(), 1e-6f);
    }

    @Test
    void bilinear_rgb2x2To4x4_roundedLikeUint8() {
        RgbImage src = RgbImage.blank(2, 2);
        src.set(0, 0, 0, 0, 0);
        src.set(1, 0, 10, 10, 10);
        src.set(0, 1, 20, 20, 20);
        src.set(1, 1, 30, 30, 30);
        RgbImage out = Resize.bilinear(src, 4, 4);
        assertEquals(3, out.get(1, 0, 0)); // 2.5 rounds half up
        assertEquals(13, out.get(2, 1, 1)); // 12.5
        assertEquals(30, out.get(3, 3, 2));
    }

    @Test
    void nearest_labelUpAndDown_cv2Indices() {
        LabelMap src = new LabelMap(2, 1, new byte[] {3, 7});
        assertArrayEquals(new byte[] {3, 3, 7, 7}, Resize.nearest(src, 4, 1).ids());
        assertArrayEquals(new int[] {0, 1, 2}, Resize.nearestIndex(4, 3));
        assertArrayEquals(new int[] {0, 2, 4}, Resize.nearestIndex(6, 3));
    }

    @Test
    void applyToMask_nearest_sameAsLabel() {
        float[] mask = {0, 1, 1, 0};
        float[] out = new Resize(4, 4).applyToMask(mask, 2, 2);
        assertArrayEquals(new float[] {0, 0, 1, 1, 0, 0, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0}, out);
    }
}
