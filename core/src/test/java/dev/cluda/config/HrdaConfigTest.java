package dev.cluda.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cluda.transform.DetailBox;
import dev.cluda.uda.RcsCropRule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HrdaConfigTest {

    /** HRDA on, at the paper's 1024 context crop. */
    private static final String[] PAPER = {"hrda.enabled=true", "train.cropWidth=1024", "train.cropHeight=1024"};

    @TempDir
    Path dir;

    private static CludaConfig load(String... overrides) {
        return CludaConfig.from(ConfigLoader.load(null, List.of(overrides)));
    }

    private static CludaConfig paper(String... more) {
        String[] all = new String[PAPER.length + more.length];
        System.arraycopy(PAPER, 0, all, 0, PAPER.length);
        System.arraycopy(more, 0, all, PAPER.length, more.length);
        return load(all);
    }

    @Test
    void defaults_areThePaperValuesAndHrdaIsOff() {
        HrdaConfig h = load().hrda();
        assertFalse(h.enabled());
        assertEquals(0.5, h.scale());
        assertEquals(new HrdaConfig.Size(512, 512), h.detailCrop());
        assertEquals(8, h.cropDivisor());
        assertEquals(0.1, h.hrLossWeight());
        assertEquals(0.0, h.lrLossWeight());
        assertEquals(0.9, h.fusedLossWeight(), 1e-12);
        assertEquals(HrdaConfig.FusionOrder.CLUDA, h.fusionOrder());
        assertEquals(256, h.attentionEmbedWidth());
        assertEquals(new HrdaConfig.Size(512, 512), h.inferenceWindow());
        assertEquals(new HrdaConfig.Size(256, 256), h.inferenceStride());
        assertEquals(new HrdaConfig.Size(1024, 1024), h.evalWindow());
        assertEquals(new HrdaConfig.Size(512, 512), h.evalStride());
        assertFalse(h.entropyCrop());
        assertEquals(12000, h.entropyCropStartIteration());
        assertEquals(new HrdaConfig.Size(256, 256), h.entropyCropStride());
        assertEquals(2.0, h.rcsMinCropRatio());
        assertEquals(new HrdaConfig.MultiResolutionContrast(false, false, false, true), h.contrast());
    }

    @Test
    void from_hrdaOnAtPaperScale_validatesAndBuildsItsParts() {
        CludaConfig c = paper("hrda.fusionOrder=HRDA", "contrastive.multiResolution.lrHrDiagonalExcluded=true");
        HrdaConfig h = c.hrda();
        assertTrue(h.enabled());
        assertEquals(HrdaConfig.FusionOrder.HRDA, h.fusionOrder());
        assertTrue(h.contrast().lrHrDiagonalExcluded());
        DetailBox box = h.multiResolutionCrop().drawBox(1024, 1024, new SplittableRandom(1));
        assertEquals(0, box.x() % 8);
        assertTrue(box.fits(1024, 1024));
        assertEquals(512, h.multiResolutionCrop().lowResolutionSize(1024));
        assertEquals(List.of(new DetailBox(0, 0, 512, 512)),
                h.entropyCrop(1024, 1024).choose(List.of(new float[] {0.5f, 0.5f}), 2, 1, 1));
    }

    @Test
    void entropyCropAt_onlyWhenEnabledAndAfterTheStartIteration() {
        assertFalse(paper().hrda().entropyCropAt(50_000), "off by default (§13)");
        HrdaConfig h = paper("hrda.entropyCrop.enabled=true").hrda();
        assertFalse(h.entropyCropAt(12_000), "released: t > 12000");
        assertTrue(h.entropyCropAt(12_001));
        assertFalse(load("hrda.entropyCrop.enabled=true").hrda().entropyCropAt(20_000), "needs hrda.enabled");
    }

    @Test
    void rcsCropRule_hrdaUsesItsRatio_daformerTheUdaOne() {
        assertEquals(RcsCropRule.daformer(), load().rcsCropRule());
        assertEquals(RcsCropRule.hrda(), paper().rcsCropRule());
        assertEquals(new RcsCropRule(50, 2.0, 10), paper("uda.rcs.minPixels=50").rcsCropRule());
        assertEquals(new RcsCropRule(3000, 1.5, 10), paper("hrda.rcsMinCropRatio=1.5").rcsCropRule());
        assertEquals(new RcsCropRule(3000, 0.25, 10), load("uda.rcs.minCropRatio=0.25").rcsCropRule());
        assertTrue(paper().rcsCropRule().accepts(6001));
        assertFalse(paper().rcsCropRule().accepts(6000));
    }

    @Test
    void from_hrdaOff_skipsTheTrainingCropChecks() {
        // synthetic-size crops with the paper's 512 detail crop load while HRDA is off
        assertFalse(load("train.cropWidth=128", "train.cropHeight=128").hrda().enabled());
    }

    @Test
    void from_badValues_nameTheKey() {
        assertNamesKey("hrda.scale", "(0, 1]", "hrda.scale=0");
        assertNamesKey("hrda.scale", "1.0]", "hrda.scale=1.5");
        assertNamesKey("hrda.cropDivisor", "output stride 4", "hrda.cropDivisor=6");
        assertNamesKey("hrda.detailCrop", "[width, height]", "hrda.detailCrop=[512]");
        assertNamesKey("hrda.hrLossWeight", "at most 1", "hrda.hrLossWeight=0.6", "hrda.lrLossWeight=0.5");
        assertNamesKey("hrda.fusionOrder", "sum", "hrda.fusionOrder=sum");
        assertNamesKey("hrda.inference.stride", "must not exceed its window", "hrda.inference.stride=[600,256]");
        assertNamesKey("hrda.eval.stride", "must not exceed", "hrda.eval.stride=[512,2048]");
        assertNamesKey("hrda.entropyCrop.startIteration", "at least 0", "hrda.entropyCrop.startIteration=-1");
        assertNamesKey("contrastive.multiResolution.featureWeightHead", "wrong type",
                "contrastive.multiResolution.featureWeightHead=maybe");
    }

    @Test
    void from_hrdaOn_badGeometryNamesTheKey() {
        assertNamesKey("hrda.detailCrop", "must fit in the training crop", "hrda.enabled=true", "train.cropWidth=256");
        assertNamesKey("hrda.detailCrop", "must fit", PAPER[0], PAPER[1], PAPER[2], "hrda.detailCrop=[512,1100]");
        assertNamesKey("hrda.cropDivisor", "LR feature stride", PAPER[0], PAPER[1], PAPER[2],
                "hrda.cropDivisor=4");
        assertNamesKey("hrda.detailCrop", "multiples of hrda.cropDivisor", PAPER[0], PAPER[1], PAPER[2],
                "hrda.detailCrop=[500,512]");
        assertNamesKey("hrda.scale", "whole LR sizes", "hrda.enabled=true", "train.cropWidth=1023",
                "train.cropHeight=1024");
        assertNamesKey("hrda.eval.window", "whole LR sizes", PAPER[0], PAPER[1], PAPER[2],
                "hrda.eval.window=[1025,1024]");
        assertNamesKey("hrda.entropyCrop.stride", "multiples of hrda.cropDivisor", PAPER[0], PAPER[1], PAPER[2],
                "hrda.entropyCrop.stride=[256,100]");
    }

    @Test
    void render_roundTripsTheHrdaSection() throws IOException {
        CludaConfig c = paper("hrda.fusionOrder=hrda", "hrda.entropyCrop.enabled=true",
                "contrastive.multiResolution.cropIndicatorExcludesRoad=true", "hrda.eval.stride=[256,256]");
        Path file = Files.writeString(dir.resolve("config.conf"), c.render());
        CludaConfig back = CludaConfig.from(ConfigLoader.load(file.toFile(), List.of()));
        assertEquals(c.settings().config().root(), back.settings().config().root());
        assertEquals(c.hrda(), back.hrda());
        assertEquals(c.rcsCropRule(), back.rcsCropRule());
    }

    private static void assertNamesKey(String key, String detail, String... overrides) {
        ConfigError e = assertThrows(ConfigError.class, () -> load(overrides), String.join(" ", overrides));
        assertTrue(e.getMessage().contains("'" + key + "'") && e.getMessage().contains(detail),
                String.join(" ", overrides) + ": " + e.getMessage());
    }
}
