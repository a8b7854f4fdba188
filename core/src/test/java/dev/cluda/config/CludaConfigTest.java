package dev.cluda.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cluda.data.BadSamplePolicy;
import dev.cluda.loss.PixelContrastiveLoss;
import dev.cluda.train.TinyExperiment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CludaConfigTest {

    @TempDir
    Path dir;

    private static CludaConfig defaults(String... overrides) {
        return CludaConfig.from(ConfigLoader.load(null, List.of(overrides)));
    }

    @Test
    void evalDataset_isTheTargetUnlessEvalRootIsSet() {
        DatasetConfig same = defaults("data.target.type=cityscapes", "data.target.root=s3a://b/cs").data().evalDataset();
        assertEquals(new DatasetConfig("cityscapes", "s3a://b/cs", "val"), same);
        DatasetConfig fixed = defaults("data.target.type=cityscapes", "data.target.root=s3a://b/camera/2026-12-01",
                "data.target.evalRoot=s3a://b/cs", "data.target.evalSplit=test").data().evalDataset();
        assertEquals(new DatasetConfig("cityscapes", "s3a://b/cs", "test"), fixed);
    }

    @Test
    void from_defaults_everySectionHasThePaperValues() {
        CludaConfig c = defaults();
        assertEquals("synthetic", c.data().source().type());
        assertEquals("val", c.data().evalSplit());
        assertEquals(BadSamplePolicy.FAIL, c.data().onBadSample());
        assertEquals(300, c.synth().sourceImages());
        assertEquals(256, c.synth().width());
        assertEquals("mit_b5", c.model().spec().encoder());
        assertEquals(512, c.model().spec().embedWidth());
        assertEquals(256, c.model().spec().fusedWidth());
        assertEquals(19, c.model().spec().numClasses());
        assertEquals(0.1, c.model().spec().dropPathRate());
        assertFalse(c.model().hasPretrained());
        assertEquals(40000, c.train().iters());
        assertEquals(2, c.train().batchSize());
        assertEquals(512, c.train().cropWidth());
        assertArrayEquals(new int[] {1280, 720}, c.train().sourceScale());
        assertArrayEquals(new int[] {1024, 512}, c.train().targetScale());
        assertEquals(6e-5, c.train().lr());
        assertEquals(10, c.train().headLrMultiplier());
        assertEquals(1500, c.train().warmupIters());
        assertTrue(c.uda().enabled());
        assertEquals(0.999, c.uda().emaAlpha());
        assertEquals(0.968, c.uda().pseudoThreshold());
        assertEquals(15, c.uda().marginTop());
        assertEquals(120, c.uda().marginBottom());
        assertEquals(0.01, c.uda().rcsTemperature());
        assertEquals(3000, c.uda().rcsMinPixels());
        assertTrue(c.uda().fdEnabled());
        assertEquals(0.005, c.uda().fdLambda());
        assertTrue(c.contrastive().source() && c.contrastive().mixed());
        assertEquals(65, c.contrastive().grid());
        assertEquals(PixelContrastiveLoss.PairSet.ALL, c.contrastive().mixedPairs());
        assertEquals(4000, c.eval().interval());
        assertArrayEquals(new int[] {1024, 512}, c.eval().size());
        assertEquals(1, c.ranks());
    }

    @Test
    void from_syntheticConf_appliesTheExperiment() {
        CludaConfig c = CludaConfig.from(ConfigLoader.load(TinyExperiment.syntheticConf(), List.of()));
        assertEquals("mit_b0", c.model().spec().encoder());
        assertEquals(128, c.model().spec().embedWidth());
        assertEquals(1000, c.train().iters());
        assertNull(c.train().sourceScale());
        assertNull(c.train().targetScale());
        assertEquals(128, c.train().cropHeight());
        assertEquals(3e-4, c.train().lr());
        assertEquals(0, c.uda().marginTop());
        assertEquals(0, c.uda().marginBottom());
        assertEquals(50, c.uda().rcsMinPixels());
        assertFalse(c.uda().fdEnabled());
        assertEquals(33, c.contrastive().grid());
        assertEquals(250, c.eval().interval());
        assertNull(c.eval().size());
        assertEquals(0.999, c.uda().emaAlpha(), "keys the file does not set keep their defaults");
    }

    @Test
    void from_mixedPairs_mapsToThePairSet() {
        assertEquals(PixelContrastiveLoss.PairSet.SAME_DOMAIN,
                defaults("contrastive.mixedPairs=same-domain").contrastive().mixedLoss().pairSet());
        assertEquals(PixelContrastiveLoss.PairSet.SOURCE_ONLY,
                defaults("contrastive.mixedPairs=SOURCE-ONLY").contrastive().mixedPairs());
        assertEquals(PixelContrastiveLoss.PairSet.ALL,
                defaults("contrastive.mixedPairs=source-only").contrastive().sourceLoss().pairSet());
    }

    @Test
    void from_badValues_nameTheKey() {
        assertNamesKey("contrastive.mixedPairs", "foo", "contrastive.mixedPairs=foo");
        assertNamesKey("train.sourceScale", "[1]", "train.sourceScale=[1]");
        assertNamesKey("eval.size", "multiples of 32", "eval.size=[100,64]");
        assertNamesKey("model.encoder", "mit_b9", "model.encoder=mit_b9");
        assertNamesKey("contrastive.grid", "1", "contrastive.grid=1");
        assertNamesKey("train.iters", "wrong type", "train.iters=many");
        assertNamesKey("data.onBadSample", "ignore", "data.onBadSample=ignore");
        assertNamesKey("data.source.type", "kitti", "data.source.type=kitti");
    }

    @Test
    void step_mixedContrastWithoutUda_isRejectedWhenBuilt() {
        CludaConfig c = defaults("uda.enabled=false"); // contrastive.mixed stays true
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TinyExperiment.step(c, null, null, null));
        assertTrue(e.getMessage().contains("contrastive.mixed") && e.getMessage().contains("uda.enabled"),
                e.getMessage());
    }

    @Test
    void from_modelInitAndFlattening_defaultsAndAcceptedShapes() {
        CludaConfig c = defaults();
        assertEquals("", c.model().init());
        assertFalse(c.model().hasInit());
        assertFalse(c.contrastive().releasedFlattening());
        assertFalse(c.contrastive().sourceLoss().releasedFlattening());
        assertTrue(defaults("contrastive.flattening=released").contrastive().mixedLoss().releasedFlattening());
        assertTrue(defaults("contrastive.flattening=released").contrastive().sourceLoss().releasedFlattening());
        ModelConfig dirInit = defaults("model.init=runs/source").model();
        assertTrue(dirInit.hasInit());
        assertFalse(dirInit.initIsCheckpointFile());
        assertTrue(defaults("model.init=\"runs/source/checkpoints/iter_00000002.ckpt\"").model().initIsCheckpointFile());
    }

    @Test
    void from_badModelInitOrFlattening_namesTheKey() {
        // an encoder weight file belongs to model.pretrained
        assertNamesKey("model.init", "model.pretrained", "model.init=weights/mit_b5.safetensors");
        assertNamesKey("model.init", "iter_NNNNNNNN.ckpt", "model.init=runs/a/best.ckpt");
        ConfigError both = assertThrows(ConfigError.class,
                () -> defaults("model.init=runs/a", "model.pretrained=weights/mit_b5.safetensors"));
        assertTrue(both.getMessage().contains("model.init") && both.getMessage().contains("only one"),
                both.getMessage());
        assertNamesKey("contrastive.flattening", "foo", "contrastive.flattening=foo");
        // only the single-resolution loss has the released order (§5.4)
        ConfigError hrda = assertThrows(ConfigError.class,
                () -> defaults("hrda.enabled=true", "contrastive.flattening=released"));
        assertTrue(hrda.getMessage().contains("contrastive.flattening") && hrda.getMessage().contains("hrda.enabled"),
                hrda.getMessage());
    }

    @Test
    void render_loadsBackToTheSameConfiguration() throws IOException {
        CludaConfig c = TinyExperiment.config(dir.resolve("data"), "contrastive.mixedPairs=same-domain");
        Path file = Files.writeString(dir.resolve("config.conf"), c.render());
        CludaConfig back = CludaConfig.from(ConfigLoader.load(file.toFile(), List.of()));
        assertEquals(c.settings().config().root(), back.settings().config().root());
        assertEquals(c.model(), back.model());
        assertEquals(c.uda(), back.uda());
        assertEquals(c.contrastive(), back.contrastive());
        assertEquals(c.data(), back.data());
        assertEquals(c.synth(), back.synth());
    }

    private static void assertNamesKey(String key, String detail, String override) {
        ConfigError e = assertThrows(ConfigError.class, () -> defaults(override), override);
        assertTrue(e.getMessage().contains(key) && e.getMessage().contains(detail), override + ": " + e.getMessage());
    }
}
