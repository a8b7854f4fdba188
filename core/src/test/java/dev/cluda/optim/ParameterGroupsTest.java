package dev.cluda.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ParameterGroupsTest {

    private final ParameterGroups groups = ParameterGroups.daformer();

    @Test
    void rulesInMatchOrder_longestFirstThenAlphabetical() {
        List<String> keys = groups.rulesInMatchOrder().stream().map(ParameterGroups.Rule::key).toList();
        assertEquals(List.of("pos_block", "head", "norm"), keys);
    }

    @Test
    void groupOf_headParameter_getsTenTimesLrWithDecay() {
        ParameterGroups.Group g = groups.groupOf("02head_03fusion_01bn_gamma");
        assertEquals(new ParameterGroups.Group("head", 10.0, 1.0), g);
    }

    @Test
    void groupOf_encoderNorm_getsNoDecay() {
        assertEquals(new ParameterGroups.Group("norm", 1.0, 0.0), groups.groupOf("01enc_stage1_block0_norm1_gamma"));
        assertEquals(new ParameterGroups.Group("pos_block", 1.0, 0.0), groups.groupOf("enc_pos_block_weight"));
    }

    @Test
    void groupOf_nameWithHeadAndNorm_takesHeadBecauseEqualLengthTiesAreAlphabetical() {
        // mmcv: sorted(sorted(keys), key=len, reverse=True) -> head before norm; first match wins,
        // and head's decay_mult defaults to 1, so the parameter keeps its decay.
        assertEquals(new ParameterGroups.Group("head", 10.0, 1.0), groups.groupOf("head_attention_norm_beta"));
        assertEquals(new ParameterGroups.Group("head", 10.0, 1.0), groups.groupOf("norm_in_head"));
    }

    @Test
    void groupOf_longerKeyWins_overShorterOne() {
        // "pos_block" (9 chars) is tried before "head" (4)
        assertEquals(new ParameterGroups.Group("pos_block", 1.0, 0.0), groups.groupOf("head_pos_block_bias"));
    }

    @Test
    void groupOf_plainEncoderWeight_getsDefaults() {
        assertEquals(ParameterGroups.Group.DEFAULT, groups.groupOf("01enc_stage2_attn_qkv_weight"));
    }

    @Test
    void of_duplicateKey_throws() {
        assertThrows(IllegalArgumentException.class, () -> ParameterGroups.of(List.of(
                new ParameterGroups.Rule("a", 1, 1), new ParameterGroups.Rule("a", 2, 1))));
    }
}
