package dev.cluda.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.Initializer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PretrainedWeightsTest {

    @TempDir
    Path dir;

    private NDManager manager;
    private MixTransformer encoder;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
        encoder = MixTransformer.builder().setVariant(MitVariant.MIT_B0).build();
        encoder.setInitializer(Initializer.ZEROS, p -> true);
        encoder.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 32, 32));
    }

    @AfterEach
    void close() {
        manager.close();
    }

    /** B0 tensors with one BF16 and one F16 tensor and the ignored classifier. */
    private LinkedHashMap<String, TestWeights.Tensor> tensors() {
        LinkedHashMap<String, TestWeights.Tensor> t = TestWeights.encoderTensors(encoder);
        TestWeights.Tensor q = t.get("block1.0.attn.q.weight");
        t.put("block1.0.attn.q.weight", new TestWeights.Tensor(q.values(), q.shape(), "BF16"));
        TestWeights.Tensor fc1 = t.get("block2.1.mlp.fc1.weight");
        t.put("block2.1.mlp.fc1.weight", new TestWeights.Tensor(fc1.values(), fc1.shape(), "F16"));
        t.put("head.weight", new TestWeights.Tensor(new float[1000 * 256], new long[] {1000, 256}, "F32"));
        t.put("head.bias", new TestWeights.Tensor(new float[1000], new long[] {1000}, "F32"));
        return t;
    }

    private void assertImported(Map<String, TestWeights.Tensor> tensors) {
        for (Map.Entry<String, String> e : MitKeyMap.officialToDjl(MitVariant.MIT_B0).entrySet()) {
            float[] actual = encoder.getParameters().get(e.getValue()).getArray().toFloatArray();
            assertArrayEquals(tensors.get(e.getKey()).values(), actual, e.getKey());
        }
    }

    @Test
    void importEncoder_safetensorsWithBf16AndF16_parametersEqualFileValues() throws IOException {
        Path file = dir.resolve("mit_b0.safetensors");
        LinkedHashMap<String, TestWeights.Tensor> t = tensors();
        TestWeights.writeSafetensors(file, t);
        assertEquals(t.size() - 2, PretrainedWeights.importEncoder(encoder, file));
        assertImported(t);
        float[] q = encoder.getParameters().get("01stage1_02block0_02attn_01q_weight").getArray().toFloatArray();
        // the q weight is key k = 6 (after patch_embed1.proj/norm and block1.0.norm1): (6·17 mod 97 − 48)/256
        assertEquals(-43 / 256f, q[0]);
    }

    @Test
    void importEncoder_npzWithHalfEntry_parametersEqualFileValues() throws IOException {
        Path file = dir.resolve("mit_b0.npz");
        LinkedHashMap<String, TestWeights.Tensor> t = tensors();
        TestWeights.writeNpz(file, t);
        PretrainedWeights.importEncoder(encoder, file);
        assertImported(t);
    }

    @Test
    void importEncoder_unknownKey_namesKeyAndFile() throws IOException {
        Path file = dir.resolve("extra.safetensors");
        LinkedHashMap<String, TestWeights.Tensor> t = tensors();
        t.put("block1.9.attn.q.weight", t.get("block1.0.attn.q.weight"));
        TestWeights.writeSafetensors(file, t);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PretrainedWeights.importEncoder(encoder, file));
        assertTrue(e.getMessage().contains("'block1.9.attn.q.weight'") && e.getMessage().contains("extra.safetensors"),
                e.getMessage());
    }

    @Test
    void importEncoder_missingKey_namesKeyAndFile_andChangesNothing() throws IOException {
        Path file = dir.resolve("short.safetensors");
        LinkedHashMap<String, TestWeights.Tensor> t = tensors();
        t.remove("norm4.bias");
        TestWeights.writeSafetensors(file, t);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PretrainedWeights.importEncoder(encoder, file));
        assertTrue(e.getMessage().contains("'norm4.bias'") && e.getMessage().contains("short.safetensors"),
                e.getMessage());
        float[] untouched = encoder.getParameters().get("01stage1_01patchEmbed_01proj_weight").getArray().toFloatArray();
        assertEquals(0f, untouched[1]);
    }

    @Test
    void importEncoder_shapeMismatch_namesKeyFileAndShapes() throws IOException {
        Path file = dir.resolve("wrong.npz");
        LinkedHashMap<String, TestWeights.Tensor> t = tensors();
        t.put("block4.0.mlp.fc2.bias", new TestWeights.Tensor(new float[255], new long[] {255}, "F32"));
        TestWeights.writeNpz(file, t);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PretrainedWeights.importEncoder(encoder, file));
        assertTrue(e.getMessage().contains("'block4.0.mlp.fc2.bias'") && e.getMessage().contains("wrong.npz")
                && e.getMessage().contains("[255]") && e.getMessage().contains("(256)"), e.getMessage());
    }

    @Test
    void importEncoder_b1FileIntoB0_isRejected() throws IOException {
        MixTransformer b1 = MixTransformer.builder().setVariant(MitVariant.MIT_B1).build();
        b1.setInitializer(Initializer.ZEROS, p -> true);
        b1.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 32, 32));
        Path file = dir.resolve("mit_b1.safetensors");
        TestWeights.writeSafetensors(file, TestWeights.encoderTensors(b1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PretrainedWeights.importEncoder(encoder, file));
        assertTrue(e.getMessage().contains("shape mismatch for 'patch_embed1.proj.weight'"), e.getMessage());
    }

    @Test
    void importEncoder_badFiles_sayWhy() throws IOException {
        Path txt = dir.resolve("weights.pth");
        Files.writeString(txt, "x");
        assertThrows(IllegalArgumentException.class, () -> PretrainedWeights.importEncoder(encoder, txt));
        Path garbage = dir.resolve("garbage.safetensors");
        Files.write(garbage, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        IOException e = assertThrows(IOException.class, () -> PretrainedWeights.importEncoder(encoder, garbage));
        assertTrue(e.getMessage().contains("garbage.safetensors"), e.getMessage());
        MixTransformer fresh = MixTransformer.builder().setVariant(MitVariant.MIT_B0).build();
        assertThrows(IllegalStateException.class, () -> PretrainedWeights.importEncoder(fresh, garbage));
    }

    @Test
    void halfAndBfloat16_decodeKnownBitPatterns() {
        assertEquals(1f, WeightFile.halfToFloat(0x3C00));
        assertEquals(-2f, WeightFile.halfToFloat(0xC000));
        assertEquals(65504f, WeightFile.halfToFloat(0x7BFF));
        assertEquals(0x1p-24f, WeightFile.halfToFloat(0x0001));
        assertEquals(Float.NEGATIVE_INFINITY, WeightFile.halfToFloat(0xFC00));
        assertEquals(1f, WeightFile.bf16ToFloat(0x3F80));
        assertEquals(-5f, WeightFile.bf16ToFloat(0xC0A0));
    }
}
