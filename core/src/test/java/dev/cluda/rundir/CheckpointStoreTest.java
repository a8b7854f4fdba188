package dev.cluda.rundir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.cluda.io.LocalFileStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {

    @TempDir
    Path dir;

    private final LocalFileStore store = new LocalFileStore();
    private NDManager manager;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    private CheckpointStore checkpoints(int keep) {
        return new CheckpointStore(store, dir.resolve("run").toString(), keep);
    }

    private NDArray named(String name, NDArray a) {
        a.setName(name);
        return a;
    }

    private Map<String, NDList> parts(float scale) {
        Map<String, NDList> parts = new LinkedHashMap<>();
        parts.put("student", new NDList(
                named("w", manager.create(new float[] {1f * scale, -2f, 3.5f, 0f}, new Shape(2, 2))),
                named("b", manager.create(new float[] {scale}))));
        parts.put("optimizer", new NDList(named("w.step", manager.create(7L))));
        return parts;
    }

    @Test
    void saveThenLoadLatest_roundTripsArraysNamesAndMetadata() throws IOException {
        String path = checkpoints(2).save(12, parts(1f), Map.of("encoder", "mit_b0", "note", "x y"));
        assertEquals(dir.resolve("run/checkpoints/iter_00000012.ckpt").toString(), path);

        CheckpointStore.Checkpoint c = checkpoints(2).loadLatest(manager).orElseThrow();
        assertEquals(12, c.nextIteration());
        assertEquals(Map.of("encoder", "mit_b0", "note", "x y"), c.metadata());
        assertEquals(List.of("optimizer", "student"), c.parts().keySet().stream().sorted().toList());
        NDList student = c.parts().get("student");
        assertEquals("w", student.get(0).getName());
        assertEquals(new Shape(2, 2), student.get("w").getShape());
        assertArrayEquals(new float[] {1f, -2f, 3.5f, 0f}, student.get("w").toFloatArray(), 0f);
        assertArrayEquals(new float[] {1f}, student.get("b").toFloatArray(), 0f);
        NDArray step = c.parts().get("optimizer").get("w.step");
        assertEquals(DataType.INT64, step.getDataType());
        assertEquals(7L, step.getLong());
    }

    @Test
    void loadLatest_emptyRunDirectory_isEmpty() throws IOException {
        assertTrue(checkpoints(2).loadLatest(manager).isEmpty());
        assertEquals(List.of(), checkpoints(2).list());
    }

    @Test
    void save_threeCheckpoints_latestNamesTheNewest() throws IOException {
        CheckpointStore checkpoints = checkpoints(5);
        checkpoints.save(2, parts(2f), Map.of());
        checkpoints.save(4, parts(4f), Map.of());
        checkpoints.save(6, parts(6f), Map.of());
        assertEquals("iter_00000006.ckpt",
                Files.readString(dir.resolve("run/checkpoints/latest"), StandardCharsets.UTF_8).trim());
        CheckpointStore.Checkpoint c = checkpoints.loadLatest(manager).orElseThrow();
        assertEquals(6, c.nextIteration());
        assertEquals(6f, c.parts().get("student").get("b").getFloat(), 0f);
    }

    @Test
    void save_beyondKeep_deletesTheOldestAndKeepsKeepOlderOnes() throws IOException {
        CheckpointStore checkpoints = checkpoints(2);
        for (int i = 1; i <= 5; i++) {
            checkpoints.save(i * 10, parts(i), Map.of());
        }
        List<String> names = checkpoints.list().stream().map(p -> Path.of(p).getFileName().toString()).toList();
        assertEquals(List.of("iter_00000030.ckpt", "iter_00000040.ckpt", "iter_00000050.ckpt"), names);

        CheckpointStore none = new CheckpointStore(store, dir.resolve("other").toString(), 0);
        none.save(1, parts(1f), Map.of());
        none.save(2, parts(2f), Map.of());
        assertEquals(1, none.list().size());
        assertEquals(2, none.loadLatest(manager).orElseThrow().nextIteration());
    }

    @Test
    void loadLatest_latestNamesMissingFile_throwsNamingIt() throws IOException {
        CheckpointStore checkpoints = checkpoints(2);
        checkpoints.save(3, parts(1f), Map.of());
        Files.delete(dir.resolve("run/checkpoints/iter_00000003.ckpt"));
        IOException e = assertThrows(IOException.class, () -> checkpoints.loadLatest(manager));
        assertTrue(e.getMessage().contains("iter_00000003.ckpt") && e.getMessage().contains("latest"),
                e.getMessage());
    }

    @Test
    void load_notACheckpoint_throwsNamingTheFile() throws IOException {
        Path text = dir.resolve("notes.txt");
        Files.writeString(text, "hello");
        IOException e = assertThrows(IOException.class, () -> checkpoints(2).load(text.toString(), manager));
        assertTrue(e.getMessage().contains(text.toString()) && e.getMessage().contains("not a cluda checkpoint"),
                e.getMessage());

        Path zip = dir.resolve("other.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new ZipEntry("readme.txt"));
            out.write(1);
            out.closeEntry();
        }
        IOException z = assertThrows(IOException.class, () -> checkpoints(2).load(zip.toString(), manager));
        assertTrue(z.getMessage().contains(zip.toString()), z.getMessage());
    }

    @Test
    void loadLatest_latestMissing_loadsTheNewestCheckpointAndSaysSo() throws IOException {
        CheckpointStore checkpoints = checkpoints(5);
        checkpoints.save(2, parts(2f), Map.of());
        checkpoints.save(4, parts(4f), Map.of());
        // a crash between writing iter_4 and replacing latest, under a delete-then-rename store
        Files.delete(dir.resolve("run/checkpoints/latest"));
        List<String> log = new java.util.ArrayList<>();
        CheckpointStore.Checkpoint c = checkpoints.loadLatest(manager, log::add).orElseThrow();
        assertEquals(4, c.nextIteration());
        assertEquals(4f, c.parts().get("student").get("b").getFloat(), 0f);
    }

    @Test
    void loadLatest_truncatedNewest_fallsBackToThePreviousNamingTheSkippedFile() throws IOException {
        CheckpointStore checkpoints = checkpoints(5);
        checkpoints.save(2, parts(2f), Map.of());
        checkpoints.save(4, parts(4f), Map.of());
        Path newest = dir.resolve("run/checkpoints/iter_00000004.ckpt");
        byte[] whole = Files.readAllBytes(newest);
        Files.write(newest, java.util.Arrays.copyOf(whole, whole.length / 2));
        List<String> log = new java.util.ArrayList<>();
        CheckpointStore.Checkpoint c = checkpoints.loadLatest(manager, log::add).orElseThrow();
        assertEquals(2, c.nextIteration());
        assertTrue(log.stream().anyMatch(l -> l.contains(newest.toString())), log.toString());
    }

    @Test
    void loadLatest_everyCheckpointDamaged_throwsNamingEach() throws IOException {
        CheckpointStore checkpoints = checkpoints(5);
        checkpoints.save(2, parts(2f), Map.of());
        checkpoints.save(4, parts(4f), Map.of());
        for (String name : List.of("iter_00000002.ckpt", "iter_00000004.ckpt")) {
            Path p = dir.resolve("run/checkpoints").resolve(name);
            Files.write(p, java.util.Arrays.copyOf(Files.readAllBytes(p), 100));
        }
        IOException e = assertThrows(IOException.class, () -> checkpoints.loadLatest(manager));
        assertTrue(e instanceof dev.cluda.error.InvalidFileException, e.toString());
        assertTrue(e.getMessage().contains("iter_00000002.ckpt") && e.getMessage().contains("iter_00000004.ckpt"),
                e.getMessage());
    }

    @Test
    void save_sameStateTwice_byteIdenticalFiles() throws IOException {
        CheckpointStore a = new CheckpointStore(store, dir.resolve("a").toString(), 2);
        CheckpointStore b = new CheckpointStore(store, dir.resolve("b").toString(), 2);
        a.save(3, parts(1.5f), Map.of("encoder", "mit_b0", "x", "y"));
        try {
            Thread.sleep(2100); // zip times have a resolution of two seconds
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        b.save(3, parts(1.5f), Map.of("x", "y", "encoder", "mit_b0"));
        assertArrayEquals(Files.readAllBytes(dir.resolve("a/checkpoints/iter_00000003.ckpt")),
                Files.readAllBytes(dir.resolve("b/checkpoints/iter_00000003.ckpt")));
    }
}
