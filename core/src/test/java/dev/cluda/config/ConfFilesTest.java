package dev.cluda.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cluda.train.TinyExperiment;
import dev.cluda.transform.Resize;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every experiment file shipped in {@code conf/} loads over the defaults and validates. */
class ConfFilesTest {

    private static Path conf() {
        return TinyExperiment.repoRoot().resolve("conf");
    }

    private static CludaConfig load(String name) {
        return CludaConfig.from(ConfigLoader.load(conf().resolve(name).toFile(), List.of()));
    }

    @Test
    void everyConfFile_loadsAndValidates() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(conf())) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".conf")).sorted().toList();
        }
        assertTrue(files.size() >= 8, "conf/ holds the shipped experiments: " + files);
        for (Path p : files) {
            File f = p.toFile();
            CludaConfig c = CludaConfig.from(ConfigLoader.load(f, List.of()));
            // what a run directory stores loads back to the same configuration
            CludaConfig back = CludaConfig.from(ConfigLoader.parse(c.render(), f.getName()));
            assertEquals(c.settings().config().root(), back.settings().config().root(), f.getName());
            assertEquals(c.hrda(), back.hrda(), f.getName());
        }
    }

    @Test
    void gta2csHrda_isHrdaPlusCludaAtThePaperValues() {
        CludaConfig c = load("gta2cs-hrda.conf");
        assertTrue(c.hrda().enabled());
        assertEquals(1024, c.train().cropWidth());
        assertEquals(1024, c.train().cropHeight());
        assertEquals(2560, c.train().sourceScale()[0]);
        assertEquals(1440, c.train().sourceScale()[1]);
        assertEquals(new Resize.Size(2560, 1407), new Resize(2560, 1440).targetSize(1914, 1052));
        assertEquals(null, c.train().targetScale());
        assertEquals(null, c.eval().size());
        assertEquals(65, c.contrastive().grid());
        assertTrue(c.contrastive().source() && c.contrastive().mixed());
        assertEquals(2.0, c.rcsCropRule().minCropRatio());
        assertEquals(30, c.uda().marginTop());
        assertEquals(240, c.uda().marginBottom());
        assertEquals(30, c.uda().marginLeft());
        assertEquals(30, c.uda().marginRight());
    }

    @Test
    void synthia2csHrda_changesOnlyTheSource() {
        CludaConfig gta = load("gta2cs-hrda.conf");
        CludaConfig synthia = load("synthia2cs-hrda.conf");
        assertEquals("synthia", synthia.data().source().type());
        assertEquals(2560, synthia.train().sourceScale()[0]);
        assertEquals(1520, synthia.train().sourceScale()[1]);
        assertEquals(new Resize.Size(2560, 1520), new Resize(2560, 1520).targetSize(1280, 760));
        assertEquals(gta.hrda(), synthia.hrda());
        assertEquals(gta.contrastive(), synthia.contrastive());
    }

    @Test
    void gta2csHrdaBaseline_hasNoContrastiveTerms() {
        CludaConfig c = load("gta2cs-hrda-baseline.conf");
        assertTrue(c.hrda().enabled());
        assertFalse(c.contrastive().source());
        assertFalse(c.contrastive().mixed());
        assertEquals(load("gta2cs-hrda.conf").hrda(), c.hrda());
    }
}
