package dev.cluda.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cluda.data.CityscapesReader;
import dev.cluda.data.Gta5Reader;
import dev.cluda.data.Sample;
import dev.cluda.io.LocalFileStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End to end: {@code cluda synth} writes a benchmark the real readers read. */
class SynthCommandTest {

    @TempDir
    Path dir;

    private static final String[] SMALL = {"--set", "synth.sourceImages=4", "--set", "synth.targetTrainImages=3",
        "--set", "synth.targetValImages=2", "--set", "synth.width=64", "--set", "synth.height=32"};

    private CliRunner.Result synth(String out, String... extra) {
        String[] args = new String[2 + SMALL.length + 2 + extra.length];
        args[0] = "synth";
        args[1] = "--out";
        args[2] = out;
        System.arraycopy(SMALL, 0, args, 3, SMALL.length);
        System.arraycopy(extra, 0, args, 3 + SMALL.length, extra.length);
        return CliRunner.run(java.util.Arrays.copyOf(args, 3 + SMALL.length + extra.length));
    }

    @Test
    void synth_writesLayoutsTheReadersIndex() throws IOException {
        String out = dir.resolve("bench").toString();
        CliRunner.Result r = synth(out);
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("wrote 9 images"), r.out());
        LocalFileStore store = new LocalFileStore();
        var source = new Gta5Reader().index(store, out + "/gta5", "");
        var targetTrain = new CityscapesReader().index(store, out + "/cityscapes", "train");
        var targetVal = new CityscapesReader().index(store, out + "/cityscapes", "val");
        assertEquals(4, source.size());
        assertEquals(3, targetTrain.size());
        assertEquals(2, targetVal.size());
        Sample s = new Gta5Reader().read(store, source.get(0));
        assertEquals(64, s.image().width());
        assertEquals(32, s.trainIds().height());
    }

    @Test
    void synth_sameSpecTwice_isANoOp() {
        String out = dir.resolve("bench").toString();
        assertEquals(0, synth(out).exitCode());
        CliRunner.Result again = synth(out);
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.out().contains("nothing to do"), again.out());
    }

    @Test
    void synth_differentSpecOverExistingFolder_needsOverwrite() throws IOException {
        String out = dir.resolve("bench").toString();
        assertEquals(0, synth(out).exitCode());
        CliRunner.Result refused = synth(out, "--set", "synth.seed=9");
        assertEquals(2, refused.exitCode());
        assertTrue(refused.err().contains("--overwrite") && !refused.err().contains("--resume"), refused.err());
        CliRunner.Result replaced = synth(out, "--set", "synth.seed=9", "--overwrite");
        assertEquals(0, replaced.exitCode(), replaced.err());
        assertTrue(Files.readString(Path.of(out, "synth.json")).contains("\"seed\" : 9"));
    }

    @Test
    void synth_badValue_namesTheKey() {
        CliRunner.Result r = synth(dir.toString(), "--set", "synth.styleStrength=2");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("synth.styleStrength"), r.err());
    }
}
