package dev.cluda.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cluda.data.ClassSubset;
import dev.cluda.data.CityscapesClass;
import org.junit.jupiter.api.Test;

class EvalResultTest {

    private static final double EPS = 1e-9;

    @Test
    void of_nineteenClassMatrix_givesPercentagesForEachSubset() {
        EvalResult r = EvalResult.of(4000, 2, ConfusionMatrixTest.nineteenClassExample());
        assertEquals(4000, r.iter());
        assertEquals(2, r.numImages());
        assertEquals(50.0, r.classIou(CityscapesClass.ROAD), EPS);
        assertEquals(100.0, r.classIou(CityscapesClass.SIDEWALK), EPS);
        assertEquals(0.0, r.classIou(CityscapesClass.TRAIN), EPS);
        assertTrue(Double.isNaN(r.classIou(CityscapesClass.TERRAIN)));
        assertEquals(75.0, r.mIoU(), EPS);
        assertEquals(78.125, r.mIoU16(), EPS);
        assertEquals(1200.0 / 13, r.mIoU13(), EPS);
        assertEquals(r.mIoU16(), r.meanIou(ClassSubset.SYNTHIA_16));
        // 15 of 18 pixels correct: all but (3 -> 4), (5 -> 0), (16 -> 13)
        assertEquals(1500.0 / 18, r.pixelAccuracy(), EPS);
    }

    @Test
    void of_matrixWithOtherClassCount_throws() {
        assertThrows(IllegalArgumentException.class, () -> EvalResult.of(0, 1, new ConfusionMatrix(3)));
    }

    @Test
    void constructor_valueOutsidePercentRange_throws() {
        double[] iou = new double[19];
        iou[4] = 0.5;
        assertThrows(IllegalArgumentException.class, () -> new EvalResult(0, 1, iou, 101, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new EvalResult(-2, 1, iou, 1, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new EvalResult(0, 1, new double[18], 1, 0, 0, 0));
        iou[4] = -1;
        assertThrows(IllegalArgumentException.class, () -> new EvalResult(0, 1, iou, 1, 0, 0, 0));
    }

    @Test
    void classIou_mutatingReturnedArray_leavesResultUnchanged() {
        EvalResult r = EvalResult.of(1, 1, ConfusionMatrixTest.nineteenClassExample());
        EvalResult same = EvalResult.of(1, 1, ConfusionMatrixTest.nineteenClassExample());
        r.classIou()[0] = 99;
        assertEquals(50.0, r.classIou(CityscapesClass.ROAD), EPS);
        assertEquals(same, r);
        assertEquals(same.hashCode(), r.hashCode());
        assertNotEquals(EvalResult.of(2, 1, ConfusionMatrixTest.nineteenClassExample()), r);
    }
}
