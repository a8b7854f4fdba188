package dev.cluda.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cluda.config.CludaConfig;
import dev.cluda.config.ConfigLoader;
import dev.cluda.model.FlopCount;
import java.util.List;
import org.junit.jupiter.api.Test;

class StepFlopsTest {

    private static CludaConfig synthetic(String... overrides) {
        return CludaConfig.from(ConfigLoader.load(TinyExperiment.syntheticConf(), List.of(overrides)));
    }

    @Test
    void of_syntheticCluda_countsEveryPassAndTerm() {
        CludaConfig c = synthetic();
        long image = FlopCount.forward(c.model().spec(), 128, 128);
        StepFlops f = StepFlops.of(c);
        assertEquals(List.of("source pass", "source contrast", "teacher", "mixed pass", "mixed contrast"),
                List.copyOf(f.parts().keySet()));
        assertEquals(3 * 2 * image, f.parts().get("source pass"));
        assertEquals(2 * image, f.parts().get("teacher"));
        long n = 2L * 33 * 33;
        assertEquals(3 * 2 * n * n * 128, f.parts().get("mixed contrast"));
        // about 7 forward-equivalents of a 2-image batch plus the two N x N similarities: ~30 GFLOP
        assertEquals(7 * 2 * image + 2 * 3 * 2 * n * n * 128, f.total());
    }

    @Test
    void of_sourceOnly_isOneForwardAndBackward() {
        CludaConfig c = synthetic("uda.enabled=false", "contrastive.source=false", "contrastive.mixed=false");
        assertEquals(List.of("source pass"), List.copyOf(StepFlops.of(c).parts().keySet()));
        assertEquals(3 * 2 * FlopCount.forward(c.model().spec(), 128, 128), StepFlops.of(c).total());
    }

    @Test
    void of_mic_addsTheMaskedPass() {
        CludaConfig c = synthetic("mic.enabled=true", "contrastive.source=false", "contrastive.mixed=false");
        assertEquals(List.of("source pass", "teacher", "mixed pass", "masked pass"),
                List.copyOf(StepFlops.of(c).parts().keySet()));
    }
}
