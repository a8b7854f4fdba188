package dev.cluda.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClassTableTest {

    @Test
    void format_withMatrix_printsAlignedIouShareAndMeanLines() {
        ConfusionMatrix m = ConfusionMatrixTest.nineteenClassExample();
        List<String> lines = ClassTable.format(EvalResult.of(4000, 2, m), m).lines().toList();
        assertEquals(1 + 1 + 19 + 4, lines.size());
        assertEquals("iter 4000, 2 images", lines.get(0));
        assertEquals("class                IoU %  GT share %", lines.get(1));
        // road: IoU 1/2, 1 of 18 ground-truth pixels
        assertEquals("road                 50.00        5.56", lines.get(2));
        // pole: IoU 1/2, 2 of 18 pixels
        assertEquals("pole                 50.00       11.11", lines.get(7));
        assertEquals("traffic light       100.00        5.56", lines.get(8));
        assertEquals("terrain                n/a        0.00", lines.get(11));
        assertEquals("mIoU   (19 classes)  75.00", lines.get(21));
        assertEquals("mIoU16 (16 classes)  78.13", lines.get(22));
        assertEquals("mIoU13 (13 classes)  92.31", lines.get(23));
        assertEquals("pixel accuracy       83.33", lines.get(24));
    }

    @Test
    void format_withoutMatrix_omitsShareColumnAndNamesOfflineScoring() {
        EvalResult r = EvalResult.of(EvalResult.OFFLINE_ITER, 1, ConfusionMatrixTest.nineteenClassExample());
        List<String> lines = ClassTable.format(r).lines().toList();
        assertEquals("offline scoring, 1 image", lines.get(0));
        assertEquals("class                IoU %", lines.get(1));
        assertEquals("sidewalk            100.00", lines.get(3));
    }

    @Test
    void format_matrixWithOtherClassCount_throws() {
        EvalResult r = EvalResult.of(0, 1, ConfusionMatrixTest.nineteenClassExample());
        assertThrows(IllegalArgumentException.class, () -> ClassTable.format(r, new ConfusionMatrix(3)));
    }
}
