package dev.cluda.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cluda.config.Settings;
import dev.cluda.io.FileStore;
import dev.cluda.io.HadoopFileStore;
import dev.cluda.rundir.CheckpointStore;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointLocationTest {

    @TempDir
    Path dir;

    private final FileStore store = HadoopFileStore.local();

    /** A run directory with checkpoints at iterations 2 and 4 (no arrays: only state.json). */
    private Path run() throws IOException {
        Path run = dir.resolve("run");
        CheckpointStore checkpoints = new CheckpointStore(store, run.toString(), 5);
        checkpoints.save(2, Map.of(), Map.of());
        checkpoints.save(4, Map.of(), Map.of());
        Files.writeString(run.resolve("config.conf"), "model { embedDim = 16 }\n");
        return run;
    }

    @Test
    void resolve_runDirectory_followsLatest() throws IOException {
        Path run = run();
        CheckpointLocation c = CheckpointLocation.resolve(store, run.toString());
        assertEquals(run.resolve("checkpoints/iter_00000004.ckpt").toString(), c.checkpoint());
        assertEquals(run.toString(), c.runDir());
        assertEquals(4, c.iteration());
    }

    @Test
    void resolve_checkpointsFolder_followsLatestAndFindsTheRun() throws IOException {
        Path run = run();
        CheckpointLocation c = CheckpointLocation.resolve(store, run.resolve("checkpoints").toString());
        assertEquals(4, c.iteration());
        assertEquals(run.toString(), c.runDir());
    }

    @Test
    void resolve_olderCheckpointFile_readsItsIteration() throws IOException {
        Path run = run();
        CheckpointLocation c = CheckpointLocation.resolve(store, run.resolve("checkpoints/iter_00000002.ckpt").toString());
        assertEquals(2, c.iteration());
        assertEquals(run.toString(), c.runDir());
    }

    @Test
    void resolve_fileOutsideARun_hasNoRunDirAndNeedsConfig() throws IOException {
        Path file = dir.resolve("copy.ckpt");
        Files.copy(run().resolve("checkpoints/iter_00000002.ckpt"), file);
        CheckpointLocation c = CheckpointLocation.resolve(store, file.toString());
        assertNull(c.runDir());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> c.loadConfig(store, null, List.of()));
        assertTrue(e.getMessage().contains("--config"), e.getMessage());
    }

    @Test
    void loadConfig_fromRunDirectory_appliesOverrides() throws IOException {
        CheckpointLocation c = CheckpointLocation.resolve(store, run().toString());
        Settings s = c.loadConfig(store, null, List.of("model.fusedDim=24"));
        assertEquals(16, s.config().getInt("model.embedDim"));
        assertEquals(24, s.config().getInt("model.fusedDim"));
    }

    @Test
    void resolve_missingPath_namesIt() {
        String missing = dir.resolve("nope").toString();
        FileNotFoundException e = assertThrows(FileNotFoundException.class,
                () -> CheckpointLocation.resolve(store, missing));
        assertTrue(e.getMessage().contains(missing), e.getMessage());
    }

    @Test
    void resolve_directoryWithoutCheckpoints_saysSo() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        FileNotFoundException e = assertThrows(FileNotFoundException.class,
                () -> CheckpointLocation.resolve(store, empty.toString()));
        assertTrue(e.getMessage().contains("checkpoints/latest"), e.getMessage());
    }

    @Test
    void resolve_notAZip_isNotACheckpoint() throws IOException {
        Path file = Files.writeString(dir.resolve("x.ckpt"), "hello");
        IOException e = assertThrows(IOException.class, () -> CheckpointLocation.resolve(store, file.toString()));
        assertTrue(e.getMessage().contains("not a cluda checkpoint") && e.getMessage().contains(file.toString()),
                e.getMessage());
    }

    @Test
    void resolve_latestNamingMissingFile_saysTheRunIsDamaged() throws IOException {
        Path run = run();
        Files.writeString(run.resolve("checkpoints/latest"), "iter_00000099.ckpt\n");
        IOException e = assertThrows(IOException.class, () -> CheckpointLocation.resolve(store, run.toString()));
        assertTrue(e.getMessage().contains("iter_00000099.ckpt") && e.getMessage().contains("damaged"), e.getMessage());
    }
}
