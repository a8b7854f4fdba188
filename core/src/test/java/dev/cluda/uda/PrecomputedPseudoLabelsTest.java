package dev.cluda.uda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.cluda.config.CludaConfig;
import dev.cluda.config.ConfigError;
import dev.cluda.data.CityscapesReader;
import dev.cluda.data.LabelMap;
import dev.cluda.data.PngCodec;
import dev.cluda.data.Sample;
import dev.cluda.data.SampleRef;
import dev.cluda.io.LocalFileStore;
import dev.cluda.train.TinyExperiment;
import dev.cluda.train.TrainingData;
import dev.cluda.train.TrainingSession;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code uda.pseudoLabels = precomputed}: stored maps replace the online teacher. */
class PrecomputedPseudoLabelsTest {

    @TempDir
    Path dir;

    private final LocalFileStore store = new LocalFileStore();

    /** Writes each target-train image's ground truth as its pseudo-label with confidence {@code conf}. */
    private Path writePseudoLabels(CludaConfig config, int conf) throws IOException {
        Path out = Files.createDirectories(dir.resolve("pseudo"));
        String root = config.data().target().resolve(false).root();
        for (SampleRef ref : new CityscapesReader().index(store, root, "train")) {
            Sample s = new CityscapesReader().read(store, ref);
            try (OutputStream o = Files.newOutputStream(out.resolve(ref.id() + "_pseudo.png"))) {
                PngCodec.writeGray8(s.trainIds(), o);
            }
            byte[] c = new byte[s.trainIds().ids().length];
            java.util.Arrays.fill(c, (byte) conf);
            try (OutputStream o = Files.newOutputStream(out.resolve(ref.id() + "_conf.png"))) {
                PngCodec.writeGray8(new LabelMap(s.trainIds().width(), s.trainIds().height(), c), o);
            }
        }
        Files.writeString(out.resolve(PrecomputedPseudoLabels.MANIFEST), "{\"format\": 1}");
        return out;
    }

    @Test
    void read_decodesLabelsAndQuantisedConfidence() throws IOException {
        CludaConfig config = TinyExperiment.config(dir.resolve("data"));
        TrainingData.prepare(config, store, null, line -> { });
        Path pseudo = writePseudoLabels(config, 51);
        String id = new CityscapesReader().index(store, config.data().target().resolve(false).root(), "train").get(0).id();
        PrecomputedPseudoLabels.Entry e = PrecomputedPseudoLabels.open(store, pseudo.toString()).read(id);
        assertEquals(128, e.labels().width());
        assertEquals(0.2f, e.confidence()[0], 1e-6f);
        IOException missing = assertThrows(IOException.class,
                () -> PrecomputedPseudoLabels.open(store, pseudo.toString()).read("nope"));
        assertTrue(missing.getMessage().contains("nope_pseudo.png"), missing.getMessage());
    }

    @Test
    void open_folderWithoutManifest_namesIt() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        IOException e = assertThrows(IOException.class, () -> PrecomputedPseudoLabels.open(store, empty.toString()));
        assertTrue(e.getMessage().contains(PrecomputedPseudoLabels.MANIFEST), e.getMessage());
    }

    @Test
    void training_withStoredLabels_usesTheirConfidence() throws IOException {
        CludaConfig plain = TinyExperiment.config(dir.resolve("data"));
        TrainingData.prepare(plain, store, null, line -> { });
        Path pseudo = writePseudoLabels(plain, 255);
        CludaConfig config = TinyExperiment.config(dir.resolve("data"), "uda.pseudoLabels=precomputed",
                "uda.pseudoLabelDir=" + pseudo, "uda.pseudoMargins.top=0", "uda.pseudoMargins.bottom=0");
        TrainingData data = TrainingData.prepare(config, store, null, line -> { });
        try (NDManager root = NDManager.newBaseManager();
             TrainingSession session = TrainingSession.open(config, data, root, dev.cluda.train.Rank.alone().parallel(), line -> { })) {
            StepResult r = session.iterate(0);
            // every stored pixel has confidence 255/255 >= 0.968: q = 1 for every image
            assertEquals(1.0, r.pseudoConfidence(), 1e-6);
            assertEquals(1.0, r.pseudoWeight(), 1e-6);
            assertTrue(Double.isFinite(r.losses().get("ce_mixed")));
        }
    }

    @Test
    void config_precomputedWithoutDirectory_namesTheKey() {
        ConfigError e = assertThrows(ConfigError.class,
                () -> TinyExperiment.config(dir.resolve("data"), "uda.pseudoLabels=precomputed"));
        assertTrue(e.getMessage().contains("uda.pseudoLabelDir"), e.getMessage());
    }
}
