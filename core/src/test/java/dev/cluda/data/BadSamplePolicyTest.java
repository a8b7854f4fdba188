package dev.cluda.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BadSamplePolicyTest {

    @Test
    void parse_configValues_giveEachPolicy() {
        assertEquals(BadSamplePolicy.FAIL, BadSamplePolicy.parse("fail"));
        assertEquals(BadSamplePolicy.SKIP, BadSamplePolicy.parse(" SKIP "));
        assertEquals("skip", BadSamplePolicy.SKIP.configName());
    }

    @Test
    void parse_unknownValue_namesKeyAndAcceptedValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BadSamplePolicy.parse("ignore"));
        assertEquals("data.onBadSample must be 'fail' or 'skip', got 'ignore'", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BadSamplePolicy.parse(null));
    }
}
