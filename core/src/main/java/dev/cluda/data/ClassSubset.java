package dev.cluda.data;

import java.util.Arrays;

/**
 * The class sets over which mIoU is reported (reference §9): all 19 Cityscapes classes
 * (GTA5→Cityscapes), the 16 SYNTHIA classes (no terrain, truck, train) and the 13 of those
 * that also drop wall, fence and pole.
 */
public enum ClassSubset {
    CITYSCAPES_19("mIoU", new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18}),
    SYNTHIA_16("mIoU16", new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 15, 17, 18}),
    SYNTHIA_13("mIoU13", new int[] {0, 1, 2, 6, 7, 8, 10, 11, 12, 13, 15, 17, 18});

    private final String metricName;
    private final int[] trainIds;

    ClassSubset(String metricName, int[] trainIds) {
        this.metricName = metricName;
        this.trainIds = trainIds;
    }

    /** The key under which this subset's mean IoU is reported ({@code mIoU}, {@code mIoU16}, {@code mIoU13}). */
    public String metricName() {
        return metricName;
    }

    /** Train ids in the subset, ascending. */
    public int[] trainIds() {
        return trainIds.clone();
    }

    public boolean contains(int trainId) {
        return Arrays.binarySearch(trainIds, trainId) >= 0;
    }

    public int size() {
        return trainIds.length;
    }
}
