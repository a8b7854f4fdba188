package dev.cluda.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cluda.data.ClassSubset;
import dev.cluda.data.LabelMap;
import org.junit.jupiter.api.Test;

class ConfusionMatrixTest {

    private static final double EPS = 1e-12;

    /**
     * 3 classes, a 3x2 image (width 3, height 2):
     * <pre>
     * gt   = 0 0 1     pred = 0 1 1
     *        1 2 255          2 2 0
     * </pre>
     * Counted pairs (gt, pred): (0,0) (0,1) (1,1) (1,2) (2,2); the 255 pixel is skipped.
     */
    static ConfusionMatrix threeClassExample() {
        LabelMap gt = new LabelMap(3, 2, bytes(0, 0, 1, 1, 2, 255));
        LabelMap pred = new LabelMap(3, 2, bytes(0, 1, 1, 2, 2, 0));
        return new ConfusionMatrix(3).accumulate(gt, pred);
    }

    /**
     * 19 classes. Correct single pixels for 1, 2, 6, 7, 8, 10, 11, 12, 14, 15, 17, 18 and for 0
     * and 13; plus (3 → 4), (5 → 5), (5 → 0), (16 → 13); terrain (9) absent. IoU: 0 → 1/2,
     * 13 → 1/2, 5 → 1/2, 3, 4, 16 → 0, 9 → NaN, the rest 1.
     */
    static ConfusionMatrix nineteenClassExample() {
        int[] gt = {1, 2, 6, 7, 8, 10, 11, 12, 14, 15, 17, 18, 0, 13, 3, 5, 5, 16};
        int[] pred = {1, 2, 6, 7, 8, 10, 11, 12, 14, 15, 17, 18, 0, 13, 4, 5, 0, 13};
        return new ConfusionMatrix().accumulate(bytes(gt), bytes(pred));
    }

    @Test
    void accumulate_threeClassExample_countsEachPairAndSkipsIgnore() {
        ConfusionMatrix m = threeClassExample();
        long[] expected = {
            1, 1, 0,
            0, 1, 1,
            0, 0, 1,
            0, 0, 0};
        assertArrayEquals(expected, m.toLongArray());
        assertEquals(1, m.count(1, 2));
        assertEquals(0, m.count(2, 1));
        assertEquals(5, m.totalPixels());
    }

    @Test
    void iou_threeClassExample_matchesHandComputedValues() {
        ConfusionMatrix m = threeClassExample();
        // class 0: I=1, gt=2, pred=1 -> U=2; class 1: I=1, gt=2, pred=2 -> U=3; class 2: I=1, gt=1, pred=2 -> U=2
        assertEquals(1, m.intersection(0));
        assertEquals(2, m.union(0));
        assertEquals(3, m.union(1));
        assertEquals(2, m.union(2));
        assertEquals(0.5, m.iou(0), EPS);
        assertEquals(1.0 / 3, m.iou(1), EPS);
        assertEquals(0.5, m.iou(2), EPS);
        assertEquals((0.5 + 1.0 / 3 + 0.5) / 3, m.meanIou(), EPS);
        assertEquals(3.0 / 5, m.pixelAccuracy(), EPS);
    }

    @Test
    void iou_classAbsentFromGroundTruthAndPrediction_isNaNAndLeftOutOfMean() {
        ConfusionMatrix m = new ConfusionMatrix(4).accumulate(bytes(0, 1, 1), bytes(0, 1, 0));
        assertTrue(Double.isNaN(m.iou(2)));
        assertTrue(Double.isNaN(m.iou(3)));
        // class 0: I=1, U=2; class 1: I=1, U=2
        assertEquals(0.5, m.meanIou(), EPS);
    }

    @Test
    void meanIou_nineteenClassSubsets_matchHandComputedNanMeans() {
        ConfusionMatrix m = nineteenClassExample();
        assertTrue(Double.isNaN(m.iou(9)));
        assertEquals(0.5, m.iou(0), EPS);
        assertEquals(0.5, m.iou(5), EPS);
        assertEquals(0.5, m.iou(13), EPS);
        assertEquals(0.0, m.iou(3), EPS);
        assertEquals(0.0, m.iou(4), EPS);
        assertEquals(0.0, m.iou(16), EPS);
        // 19: 18 non-NaN classes summing to 11 (ones in the 13-set) + 1 (truck) + 3 * 0.5 = 13.5
        assertEquals(13.5 / 18, m.meanIou(ClassSubset.CITYSCAPES_19), EPS);
        // 16: drops terrain, truck, train -> 11 + 3 * 0.5 = 12.5 over 16
        assertEquals(12.5 / 16, m.meanIou(ClassSubset.SYNTHIA_16), EPS);
        // 13: also drops wall, fence, pole -> 11 + 0.5 + 0.5 = 12 over 13
        assertEquals(12.0 / 13, m.meanIou(ClassSubset.SYNTHIA_13), EPS);
    }

    @Test
    void meanIou_predictionEqualToGroundTruth_isOne() {
        byte[] gt = bytes(0, 3, 3, 18, 255, 7, 7, 255);
        byte[] pred = bytes(0, 3, 3, 18, 4, 7, 7, 200);
        ConfusionMatrix m = new ConfusionMatrix().accumulate(gt, pred);
        assertEquals(1.0, m.meanIou(ClassSubset.CITYSCAPES_19), EPS);
        assertEquals(1.0, m.pixelAccuracy(), EPS);
        assertEquals(6, m.totalPixels());
    }

    @Test
    void accumulate_ignoredGroundTruth_countsNothingWhateverThePrediction() {
        ConfusionMatrix m = new ConfusionMatrix(3).accumulate(bytes(255, 255, 255), bytes(0, 1, 77));
        assertEquals(0, m.totalPixels());
        assertTrue(Double.isNaN(m.meanIou()));
        assertTrue(Double.isNaN(m.pixelAccuracy()));
    }

    @Test
    void accumulate_predictionOutsideClasses_countsAsWrongForGroundTruthClass() {
        ConfusionMatrix m = new ConfusionMatrix(3).accumulate(bytes(0, 0, 1), bytes(0, 19, 255));
        assertEquals(1, m.outOfRangeCount(0));
        assertEquals(1, m.outOfRangeCount(1));
        assertEquals(2, m.groundTruthPixels(0));
        assertEquals(1, m.predictedPixels(0));
        assertEquals(0.5, m.iou(0), EPS);
        assertEquals(0.0, m.iou(1), EPS);
        assertTrue(Double.isNaN(m.iou(2)));
        assertEquals(1.0 / 3, m.pixelAccuracy(), EPS);
        assertArrayEquals(new long[] {1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0}, m.toLongArray());
    }

    @Test
    void accumulate_groundTruthValueOutsideClasses_throwsAndCountsNothing() {
        ConfusionMatrix m = new ConfusionMatrix(3);
        var e = assertThrows(IllegalArgumentException.class, () -> m.accumulate(bytes(0, 3), bytes(0, 0)));
        assertTrue(e.getMessage().contains("ground truth value 3 at pixel 1"), e.getMessage());
        assertEquals(0, m.totalPixels());
    }

    @Test
    void accumulate_labelMapsOfDifferentSize_throwsNamingBothSizes() {
        LabelMap gt = new LabelMap(3, 2, new byte[6]);
        LabelMap pred = new LabelMap(2, 3, new byte[6]);
        var e = assertThrows(IllegalArgumentException.class, () -> new ConfusionMatrix(3).accumulate(gt, pred));
        assertTrue(e.getMessage().contains("3x2") && e.getMessage().contains("2x3"), e.getMessage());
    }

    @Test
    void accumulate_arraysOfDifferentLength_throwsNamingBothLengths() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new ConfusionMatrix(3).accumulate(new byte[4], new byte[5]));
        assertTrue(e.getMessage().contains("4 pixels") && e.getMessage().contains("has 5"), e.getMessage());
    }

    @Test
    void add_twoImages_equalsAccumulatingBothIntoOneMatrix() {
        byte[] gtA = bytes(0, 1, 2, 255);
        byte[] predA = bytes(0, 2, 2, 1);
        byte[] gtB = bytes(2, 2, 1, 0);
        byte[] predB = bytes(1, 2, 1, 9);
        ConfusionMatrix both = new ConfusionMatrix(3).accumulate(gtA, predA).accumulate(gtB, predB);
        ConfusionMatrix a = new ConfusionMatrix(3).accumulate(gtA, predA);
        ConfusionMatrix b = new ConfusionMatrix(3).accumulate(gtB, predB);
        assertEquals(both, a.copy().add(b));
        assertEquals(both, b.add(a));
        assertNotEquals(both, a);
    }

    @Test
    void add_differentNumberOfClasses_throws() {
        assertThrows(IllegalArgumentException.class, () -> new ConfusionMatrix(3).add(new ConfusionMatrix(4)));
    }

    @Test
    void fromLongArray_ofToLongArray_givesEqualMatrix() {
        ConfusionMatrix m = new ConfusionMatrix(3).accumulate(bytes(0, 0, 1, 2), bytes(0, 40, 2, 2));
        assertEquals(m, ConfusionMatrix.fromLongArray(3, m.toLongArray()));
        assertEquals(m, ConfusionMatrix.fromDoubleArray(3, m.toDoubleArray()));
    }

    @Test
    void fromLongArray_plainSquareMatrix_hasNoOutOfRangeCounts() {
        ConfusionMatrix m = ConfusionMatrix.fromLongArray(2, new long[] {3, 1, 0, 2});
        assertEquals(0.75, m.iou(0), EPS);
        assertEquals(2.0 / 3, m.iou(1), EPS);
        assertEquals(0, m.outOfRangeCount(0));
    }

    @Test
    void fromLongArray_wrongLengthOrNegative_throws() {
        assertThrows(IllegalArgumentException.class, () -> ConfusionMatrix.fromLongArray(2, new long[5]));
        assertThrows(IllegalArgumentException.class, () -> ConfusionMatrix.fromLongArray(2, new long[] {1, -1, 0, 0}));
        assertThrows(IllegalArgumentException.class,
                () -> ConfusionMatrix.fromDoubleArray(2, new double[] {1, 0.5, 0, 0}));
    }

    @Test
    void serialization_roundTrip_givesEqualMatrix() throws Exception {
        ConfusionMatrix m = new ConfusionMatrix(3).accumulate(bytes(0, 1, 2, 2), bytes(0, 2, 2, 30));
        var bytes = new java.io.ByteArrayOutputStream();
        try (var out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(m);
        }
        try (var in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(m, in.readObject());
        }
    }

    @Test
    void meanIou_subsetLargerThanMatrix_throws() {
        assertThrows(IllegalArgumentException.class, () -> new ConfusionMatrix(3).meanIou(ClassSubset.SYNTHIA_13));
    }

    @Test
    void count_classOutOfRange_throws() {
        assertThrows(IllegalArgumentException.class, () -> new ConfusionMatrix(3).count(0, 3));
        assertThrows(IllegalArgumentException.class, () -> new ConfusionMatrix(0));
    }

    static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }
}
