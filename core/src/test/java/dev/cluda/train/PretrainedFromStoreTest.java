package dev.cluda.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.cluda.config.CludaConfig;
import dev.cluda.io.RemoteLikeStore;
import dev.cluda.model.PretrainedWeights;
import dev.cluda.model.SegmentationModel;
import dev.cluda.model.TestWeights;
import dev.cluda.testing.IntegrationTest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code model.pretrained} is read through the run's store, so it may be an {@code s3a://} or {@code hdfs://} URI. */
@IntegrationTest
class PretrainedFromStoreTest {

    @TempDir
    Path dir;

    @Test
    void open_pretrainedOnARemoteStore_importsTheEncoderReadThroughTheStore() throws IOException {
        Path weights = dir.resolve("mit_b0.safetensors");
        CludaConfig plain = TinyExperiment.config(dir.resolve("synthetic"));
        Map<String, TestWeights.Tensor> tensors;
        try (NDManager m = NDManager.newBaseManager()) {
            tensors = TestWeights.encoderTensors(SegmentationModel.createInitialized(plain.model().spec(), 1, m)
                    .getEncoder());
        }
        TestWeights.writeSafetensors(weights, tensors);
        CludaConfig config = TinyExperiment.config(dir.resolve("synthetic"), "model.pretrained=" + weights);
        RemoteLikeStore store = new RemoteLikeStore();
        TrainingData data = TrainingData.prepare(config, store, null, s -> { });
        try (NDManager root = NDManager.newBaseManager();
             TrainingSession session = TrainingSession.open(config, data, root, Rank.alone().parallel(), s -> { })) {
            assertTrue(store.opened().contains(weights.toString()), store.opened().toString());
            // the same file imported directly from the local path: every encoder weight equal
            SegmentationModel direct = SegmentationModel.createInitialized(config.model().spec(), 5, root);
            PretrainedWeights.importEncoder(direct, weights);
            var expected = direct.getEncoder().getParameters();
            var actual = session.student().getEncoder().getParameters();
            for (int i = 0; i < expected.size(); i++) {
                assertArrayEquals(expected.get(i).getValue().getArray().toFloatArray(),
                        actual.get(i).getValue().getArray().toFloatArray(), expected.get(i).getKey());
            }
        }
    }
}
