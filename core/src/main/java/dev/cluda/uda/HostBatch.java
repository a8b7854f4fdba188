package dev.cluda.uda;

import dev.cluda.ndarray.HostArrays;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.cluda.data.LabelMap;
import dev.cluda.transform.FloatImage;
import java.util.List;

/** Host-side images and labels stacked into the {@code (B, 3, H, W)} / {@code (B, H, W)} arrays the model takes. */
final class HostBatch {

    private HostBatch() {
    }

    /** Images of one size, stacked to {@code (B, C, H, W)} float32. */
    static NDArray images(NDManager manager, List<FloatImage> images) {
        FloatImage first = images.get(0);
        int plane = first.channels() * first.height() * first.width();
        float[] data = new float[plane * images.size()];
        for (int i = 0; i < images.size(); i++) {
            FloatImage img = images.get(i);
            if (img.channels() != first.channels() || img.height() != first.height() || img.width() != first.width()) {
                throw new IllegalArgumentException("batch images differ in size: " + first.width() + "x"
                        + first.height() + " and " + img.width() + "x" + img.height());
            }
            System.arraycopy(img.data(), 0, data, i * plane, plane);
        }
        return HostArrays.create(manager, data, new Shape(images.size(), first.channels(), first.height(), first.width()));
    }

    /** Label maps of one size, stacked to {@code (B, H, W)} int32 (255 stays 255). */
    static NDArray labels(NDManager manager, List<LabelMap> labels) {
        LabelMap first = labels.get(0);
        int plane = first.width() * first.height();
        int[] data = new int[plane * labels.size()];
        for (int i = 0; i < labels.size(); i++) {
            byte[] ids = labels.get(i).ids();
            if (ids.length != plane) {
                throw new IllegalArgumentException("batch labels differ in size");
            }
            for (int p = 0; p < plane; p++) {
                data[i * plane + p] = ids[p] & 0xFF;
            }
        }
        return HostArrays.create(manager, data, new Shape(labels.size(), first.height(), first.width()));
    }

    /** Per-pixel float planes of one size, stacked to {@code (B, H, W)} float32. */
    static NDArray planes(NDManager manager, List<float[]> planes, int height, int width) {
        float[] data = new float[height * width * planes.size()];
        for (int i = 0; i < planes.size(); i++) {
            System.arraycopy(planes.get(i), 0, data, i * height * width, height * width);
        }
        return HostArrays.create(manager, data, new Shape(planes.size(), height, width));
    }

    /** Image {@code b} of a {@code (B, H, W)} integer label array as a host label map. */
    static LabelMap labelMap(NDArray labels, int b) {
        Shape s = labels.getShape();
        int h = (int) s.get(1);
        int w = (int) s.get(2);
        int[] values = labels.get(b).toType(DataType.INT32, false).toIntArray();
        byte[] ids = new byte[h * w];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = (byte) values[i];
        }
        return new LabelMap(w, h, ids);
    }
}
