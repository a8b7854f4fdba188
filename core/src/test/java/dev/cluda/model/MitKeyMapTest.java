package dev.cluda.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.Initializer;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class MitKeyMapTest {

    @ParameterizedTest
    @EnumSource(MitVariant.class)
    void officialToDjl_coversEveryEncoderParameterExactlyOnce(MitVariant variant) {
        try (NDManager manager = NDManager.newBaseManager()) {
            MixTransformer encoder = MixTransformer.builder().setVariant(variant).build();
            encoder.setInitializer(Initializer.ZEROS, p -> true);
            encoder.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 32, 32));
            LinkedHashMap<String, String> table = MitKeyMap.officialToDjl(variant);
            Set<String> mapped = new HashSet<>(table.values());
            assertEquals(table.size(), mapped.size(), "two keys map to one parameter");
            assertEquals(new HashSet<>(encoder.getParameters().keys()), mapped);
        }
    }

    @Test
    void officialToDjl_b0_sampleKeys() {
        LinkedHashMap<String, String> t = MitKeyMap.officialToDjl(MitVariant.MIT_B0);
        assertEquals("01stage1_01patchEmbed_01proj_weight", t.get("patch_embed1.proj.weight"));
        assertEquals("01stage1_01patchEmbed_02norm_gamma", t.get("patch_embed1.norm.weight"));
        assertEquals("01stage1_02block0_01norm1_gamma", t.get("block1.0.norm1.weight"));
        assertEquals("01stage1_02block0_02attn_01q_weight", t.get("block1.0.attn.q.weight"));
        assertEquals("01stage1_02block0_02attn_02kv_bias", t.get("block1.0.attn.kv.bias"));
        assertEquals("01stage1_02block0_02attn_04sr_weight", t.get("block1.0.attn.sr.weight"));
        assertEquals("01stage1_02block0_02attn_05norm_beta", t.get("block1.0.attn.norm.bias"));
        assertEquals("01stage1_02block0_02attn_03proj_weight", t.get("block1.0.attn.proj.weight"));
        assertEquals("02stage2_03block1_04mlp_02dwconv_weight", t.get("block2.1.mlp.dwconv.dwconv.weight"));
        assertEquals("04stage4_04norm_gamma", t.get("norm4.weight"));
        assertEquals(null, t.get("block4.0.attn.sr.weight")); // sr = 1 in stage 4
        // B0: 4 stages × 6 (patch-embed conv and norm, stage norm) + 6 blocks × 20 (with sr) + 2 blocks × 16
        assertEquals(4 * 6 + 6 * 20 + 2 * 16, t.size());
    }
}
