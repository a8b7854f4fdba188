package dev.cluda.model;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The explicit name table from SegFormer's {@code mit_bX.pth} keys to {@link MixTransformer} parameter
 * names (reference §6.1). PyTorch and DJL agree on layouts: Linear weights {@code (out, in)}, Conv2d
 * weights {@code (out, in/groups, kh, kw)}, LayerNorm {@code weight}/{@code bias} = DJL
 * {@code gamma}/{@code beta}; {@code kv} keeps torch's order (first C outputs keys, next C values).
 *
 * <pre>
 * patch_embed{s}.proj.{weight,bias}      → 0{s}stage{s}_01patchEmbed_01proj_{weight,bias}
 * patch_embed{s}.norm.{weight,bias}      → 0{s}stage{s}_01patchEmbed_02norm_{gamma,beta}
 * block{s}.{j}.norm1.*                   → 0{s}stage{s}_{jj}block{j}_01norm1_*      (jj = j + 2, two digits)
 * block{s}.{j}.attn.q.*                  → …_02attn_01q_*
 * block{s}.{j}.attn.kv.*                 → …_02attn_02kv_*
 * block{s}.{j}.attn.proj.*               → …_02attn_03proj_*
 * block{s}.{j}.attn.sr.*                 → …_02attn_04sr_*          (stages with sr &gt; 1)
 * block{s}.{j}.attn.norm.*               → …_02attn_05norm_*        (stages with sr &gt; 1)
 * block{s}.{j}.norm2.*                   → …_03norm2_*
 * block{s}.{j}.mlp.fc1.*                 → …_04mlp_01fc1_*
 * block{s}.{j}.mlp.dwconv.dwconv.*       → …_04mlp_02dwconv_*
 * block{s}.{j}.mlp.fc2.*                 → …_04mlp_03fc2_*
 * norm{s}.{weight,bias}                  → 0{s}stage{s}_{depth+2}norm_{gamma,beta}
 * head.*                                 → ignored (ImageNet classifier)
 * </pre>
 */
final class MitKeyMap {

    private static final String[][] LINEAR_OR_CONV = {{"weight", "weight"}, {"bias", "bias"}};
    private static final String[][] LAYER_NORM = {{"weight", "gamma"}, {"bias", "beta"}};

    private MitKeyMap() {}

    /** Official key → encoder parameter name, in the official order. */
    static LinkedHashMap<String, String> officialToDjl(MitVariant variant) {
        LinkedHashMap<String, String> map = new LinkedHashMap<>();
        for (int s = 1; s <= 4; s++) {
            String stage = String.format(Locale.ROOT, "%02dstage%d_", s, s);
            put(map, "patch_embed" + s + ".proj.", stage + "01patchEmbed_01proj_", LINEAR_OR_CONV);
            put(map, "patch_embed" + s + ".norm.", stage + "01patchEmbed_02norm_", LAYER_NORM);
            int depth = variant.depth(s - 1);
            for (int j = 0; j < depth; j++) {
                String from = "block" + s + "." + j + ".";
                String to = stage + String.format(Locale.ROOT, "%02dblock%d_", j + 2, j);
                put(map, from + "norm1.", to + "01norm1_", LAYER_NORM);
                put(map, from + "attn.q.", to + "02attn_01q_", LINEAR_OR_CONV);
                put(map, from + "attn.kv.", to + "02attn_02kv_", LINEAR_OR_CONV);
                put(map, from + "attn.proj.", to + "02attn_03proj_", LINEAR_OR_CONV);
                if (variant.srRatio(s - 1) > 1) {
                    put(map, from + "attn.sr.", to + "02attn_04sr_", LINEAR_OR_CONV);
                    put(map, from + "attn.norm.", to + "02attn_05norm_", LAYER_NORM);
                }
                put(map, from + "norm2.", to + "03norm2_", LAYER_NORM);
                put(map, from + "mlp.fc1.", to + "04mlp_01fc1_", LINEAR_OR_CONV);
                put(map, from + "mlp.dwconv.dwconv.", to + "04mlp_02dwconv_", LINEAR_OR_CONV);
                put(map, from + "mlp.fc2.", to + "04mlp_03fc2_", LINEAR_OR_CONV);
            }
            put(map, "norm" + s + ".", stage + String.format(Locale.ROOT, "%02dnorm_", depth + 2), LAYER_NORM);
        }
        return map;
    }

    /** Whether an official key belongs to the ImageNet classification head (not imported). */
    static boolean isClassifierKey(String key) {
        return key.startsWith("head.");
    }

    private static void put(Map<String, String> map, String from, String to, String[][] suffixes) {
        for (String[] s : suffixes) {
            map.put(from + s[0], to + s[1]);
        }
    }
}
