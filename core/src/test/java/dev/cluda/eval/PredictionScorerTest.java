package dev.cluda.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cluda.data.BadSampleException;
import dev.cluda.data.CityscapesClass;
import dev.cluda.data.DatasetReader;
import dev.cluda.data.LabelMap;
import dev.cluda.data.PngCodec;
import dev.cluda.data.RgbImage;
import dev.cluda.data.Sample;
import dev.cluda.data.SampleRef;
import dev.cluda.io.FileStore;
import dev.cluda.io.LocalFileStore;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PredictionScorerTest {

    private static final double EPS = 1e-9;

    @TempDir
    Path dir;

    private final FileStore store = new LocalFileStore();
    private String root;
    private String predictions;
    private PredictionScorer scorer;

    /**
     * A layout made up for the test: {@code <root>/<split>/images/<id>.png} (RGB) and
     * {@code <root>/<split>/labels/<id>_gt.png} (8-bit gray train ids), label optional.
     */
    static final class GrayLabelReader implements DatasetReader {
        @Override
        public List<SampleRef> index(FileStore store, String root, String split) throws IOException {
            String images = store.resolve(store.resolve(root, split), "images");
            List<SampleRef> refs = new ArrayList<>();
            if (!store.exists(images)) {
                return refs;
            }
            for (String image : store.listFiles(images)) {
                String name = image.substring(image.lastIndexOf('/') + 1);
                String id = name.substring(0, name.length() - ".png".length());
                String label = store.resolve(store.resolve(store.resolve(root, split), "labels"), id + "_gt.png");
                refs.add(new SampleRef(id, image, store.exists(label) ? label : null, split, ""));
            }
            return refs;
        }

        @Override
        public Sample decode(SampleRef ref, InputStream image, InputStream label) throws IOException {
            RgbImage rgb = PngCodec.readRgb(image, ref.imagePath());
            LabelMap ids = label == null ? null : PngCodec.readLabel8(label, ref.labelPath());
            return new Sample(ref, rgb, ids);
        }
    }

    @BeforeEach
    void setUp() {
        root = dir.resolve("data").toString();
        predictions = dir.resolve("pred").toString();
        scorer = new PredictionScorer(new GrayLabelReader(), store);
    }

    @Test
    void score_predictionsEqualToGroundTruth_scoresHundredOnPresentClasses() throws IOException {
        LabelMap a = labels(3, 2, 0, 0, 1, 255, 1, 13);
        LabelMap b = labels(2, 2, 13, 255, 255, 0);
        writeSample("val", "a", a);
        writeSample("val", "b", b);
        writePrediction("a.png", a);
        writePrediction("b.png", b);

        EvalResult r = scorer.score(root, "val", predictions);

        assertEquals(EvalResult.OFFLINE_ITER, r.iter());
        assertEquals(2, r.numImages());
        assertEquals(100.0, r.mIoU(), EPS);
        assertEquals(100.0, r.classIou(CityscapesClass.CAR), EPS);
        assertTrue(Double.isNaN(r.classIou(CityscapesClass.SKY)));
    }

    @Test
    void score_oneWrongPixelAndIgnoredPixel_matchesHandComputedIou() throws IOException {
        writeSample("val", "a", labels(3, 2, 0, 0, 1, 1, 1, 255));
        // (0,0) (0,1) (1,1) (1,1) (1,255 -> wrong) and an ignored pixel predicted as 5
        writePrediction("a.png", labels(3, 2, 0, 1, 1, 1, 255, 5));

        EvalResult r = scorer.score(root, "val", predictions);

        // road: I=1, U=2; sidewalk: I=2, gt=3, pred=3 -> U=4
        assertEquals(50.0, r.classIou(CityscapesClass.ROAD), EPS);
        assertEquals(50.0, r.classIou(CityscapesClass.SIDEWALK), EPS);
        assertTrue(Double.isNaN(r.classIou(CityscapesClass.POLE)));
        assertEquals(50.0, r.mIoU(), EPS);
        assertEquals(60.0, r.pixelAccuracy(), EPS);
    }

    @Test
    void score_missingPrediction_namesExpectedFileAndImage() throws IOException {
        writeSample("val", "a", labels(2, 1, 0, 1));
        writeSample("val", "b", labels(2, 1, 0, 1));
        writePrediction("a.png", labels(2, 1, 0, 1));

        var e = assertThrows(FileNotFoundException.class, () -> scorer.score(root, "val", predictions));
        String expected = dir.resolve("pred").resolve("b.png").toString();
        String image = dir.resolve("data/val/images/b.png").toString();
        assertTrue(e.getMessage().contains(expected) && e.getMessage().contains(image), e.getMessage());
    }

    @Test
    void score_predictionOfOtherSize_namesFileAndBothSizes() throws IOException {
        writeSample("val", "a", labels(3, 2, 0, 1, 1, 0, 0, 0));
        writePrediction("a.png", labels(2, 2, 0, 1, 1, 0));

        var e = assertThrows(BadSampleException.class, () -> scorer.score(root, "val", predictions));
        assertEquals(dir.resolve("pred").resolve("a.png").toString(), e.file());
        assertTrue(e.getMessage().contains("2x2") && e.getMessage().contains("3x2"), e.getMessage());
    }

    @Test
    void score_unlabelledSampleOrEmptySplit_throws() throws IOException {
        writeImage("test", "a", 2, 1);
        writePrediction("a.png", labels(2, 1, 0, 1));
        var e = assertThrows(IllegalArgumentException.class, () -> scorer.score(root, "test", predictions));
        assertTrue(e.getMessage().contains("no ground-truth label"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> scorer.score(root, "train", predictions));
    }

    @Test
    void confusion_twoSlices_addUpToWholeSplit() throws IOException {
        writeSample("val", "a", labels(2, 1, 0, 1));
        writeSample("val", "b", labels(2, 1, 2, 2));
        writePrediction("a.png", labels(2, 1, 0, 0));
        writePrediction("b.png", labels(2, 1, 2, 1));
        List<SampleRef> refs = new GrayLabelReader().index(store, root, "val");

        ConfusionMatrix whole = scorer.confusion(refs, predictions);
        ConfusionMatrix sliced = scorer.confusion(refs.subList(0, 1), predictions)
                .add(scorer.confusion(refs.subList(1, 2), predictions));

        assertEquals(whole, sliced);
        assertEquals(1, whole.count(1, 0));
        assertEquals(1, whole.count(2, 1));
        assertEquals(4, whole.totalPixels());
    }

    private void writeSample(String split, String id, LabelMap trainIds) throws IOException {
        writeImage(split, id, trainIds.width(), trainIds.height());
        Path label = Path.of(root, split, "labels", id + "_gt.png");
        Files.createDirectories(label.getParent());
        Files.write(label, PngCodec.toBytes(out -> PngCodec.writeGray8(trainIds, out)));
    }

    private void writeImage(String split, String id, int width, int height) throws IOException {
        Path image = Path.of(root, split, "images", id + ".png");
        Files.createDirectories(image.getParent());
        Files.write(image, PngCodec.toBytes(out -> PngCodec.writeRgb(RgbImage.blank(width, height), out)));
    }

    private void writePrediction(String name, LabelMap prediction) throws IOException {
        Path file = Path.of(predictions, name);
        Files.createDirectories(file.getParent());
        Files.write(file, PngCodec.toBytes(out -> PngCodec.writeGray8(prediction, out)));
    }

    @Test
    void predictionFileName_isTheImageNameAsPng() {
        assertEquals("frankfurt_000000_000294_leftImg8bit.png", PredictionScorer.predictionFileName(new SampleRef(
                "frankfurt_000000_000294", "/d/leftImg8bit/val/frankfurt/frankfurt_000000_000294_leftImg8bit.png",
                null, "val", "frankfurt")));
        assertEquals("photo.v2.png", PredictionScorer.predictionFileName(
                new SampleRef("photo.v2", "s3a://b/in/photo.v2.JPG", null, "", "")));
        assertEquals("raw.png", PredictionScorer.predictionFileName(new SampleRef("raw", "/in/raw", null, "", "")));
    }

    private static LabelMap labels(int width, int height, int... values) {
        return new LabelMap(width, height, ConfusionMatrixTest.bytes(values));
    }
}
