package dev.cluda.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cluda.data.BadSamplePolicy;
import dev.cluda.data.DatasetKind;
import org.junit.jupiter.api.Test;

/** The shared request's validation: each refusal names the option or key to fix. */
class CheckpointInferenceTest {

    private static final CheckpointLocation CHECKPOINT = new CheckpointLocation("/runs/a/checkpoints/iter_8.ckpt",
            "/runs/a", 8);

    private static CheckpointInference request(int[] size, String split, int partitions) {
        return new CheckpointInference(CHECKPOINT, CheckpointWeights.STUDENT, TinyRuns.SPEC, size,
                DatasetKind.CITYSCAPES, "/data/cityscapes", split, BadSamplePolicy.FAIL, partitions);
    }

    @Test
    void inferenceSize_notPositiveMultiplesOf32_namesEvalSize() {
        for (int[] bad : new int[][] {{100, 64}, {0, 0}, {-32, 64}, {64}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> request(bad, "val", 0));
            assertTrue(e.getMessage().startsWith("eval.size must be"), e.getMessage());
        }
    }

    @Test
    void inferenceSize_isCopiedInAndOut() {
        int[] size = {64, 32};
        CheckpointInference r = request(size, "val", 0);
        size[0] = 1;
        r.inferenceSize()[1] = 1;
        assertArrayEquals(new int[] {64, 32}, r.inferenceSize());
        assertNull(request(null, "val", 0).inferenceSize());
    }

    @Test
    void negativePartitionsOrBlankSplit_nameTheOption() {
        IllegalArgumentException partitions = assertThrows(IllegalArgumentException.class,
                () -> request(null, "val", -1));
        assertTrue(partitions.getMessage().contains("--partitions"), partitions.getMessage());
        IllegalArgumentException split = assertThrows(IllegalArgumentException.class, () -> request(null, " ", 0));
        assertTrue(split.getMessage().contains("--split"), split.getMessage());
    }

    @Test
    void images_datasetSplitOrImageFiles_nameTheirReaderRootAndSplit() {
        InferenceImages split = request(null, "val", 0).images();
        assertEquals(new InferenceImages.DatasetSplit(DatasetKind.CITYSCAPES, "/data/cityscapes", "val"), split);
        assertTrue(split.reader() instanceof dev.cluda.data.CityscapesReader);
        InferenceImages files = new InferenceImages.Files("s3a://bucket/photos");
        assertEquals("s3a://bucket/photos", files.root());
        assertEquals("", files.split());
        assertTrue(files.reader() instanceof dev.cluda.data.ImageFileReader);
        CheckpointInference predict = new CheckpointInference(CHECKPOINT, CheckpointWeights.STUDENT, TinyRuns.SPEC,
                null, files, BadSamplePolicy.FAIL, 0, null);
        assertThrows(IllegalArgumentException.class, () -> new PseudoLabelJob.Request(predict, 0.968, "/out"),
                "pseudo-labels are for a dataset split, whose manifest training reads");
    }

    @Test
    void modelKey_isTheCheckpointFileWeightsAndSpec() {
        assertEquals(ModelKey.of(CHECKPOINT.checkpoint(), CheckpointWeights.STUDENT, TinyRuns.SPEC),
                request(null, "val", 0).modelKey());
    }
}
