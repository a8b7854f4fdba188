package dev.cluda.rundir;

import dev.cluda.error.InvalidFileException;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cluda.io.FileStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Numbered checkpoints in a run directory's {@code checkpoints/}: one file
 * {@code iter_NNNNNNNN.ckpt} per checkpoint (a zip of the student, teacher and optimizer state as
 * DJL NDLists, plus {@code state.json}), and a {@code latest} file naming the newest. Both are
 * written atomically (temporary name, then rename), and {@code latest} only after its checkpoint
 * is complete, so a crash never leaves a half checkpoint that looks complete.
 */
public final class CheckpointStore {

    /** Folder inside the run directory. */
    public static final String DIR = "checkpoints";
    /** The pointer file naming the newest complete checkpoint. */
    public static final String LATEST = "latest";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final FileStore store;
    private final String dir;
    private final int keep;

    /**
     * @param runDir the run directory
     * @param keep checkpoints kept besides the newest; older ones are deleted
     */
    public CheckpointStore(FileStore store, String runDir, int keep) {
        this.store = store;
        this.dir = store.resolve(runDir, DIR);
        this.keep = keep;
    }

    /** A checkpoint's content: the next iteration to run, named array lists, and free-form metadata. */
    public record Checkpoint(long nextIteration, Map<String, NDList> parts, Map<String, String> metadata) {
    }

    /** Writes a checkpoint and points {@code latest} at it; returns its path. */
    public String save(long nextIteration, Map<String, NDList> parts, Map<String, String> metadata) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            ObjectNode state = JSON.createObjectNode();
            state.put("next_iteration", nextIteration);
            ObjectNode meta = state.putObject("metadata");
            metadata.forEach(meta::put);
            zip.putNextEntry(new ZipEntry("state.json"));
            zip.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(state));
            zip.closeEntry();
            for (Map.Entry<String, NDList> part : parts.entrySet()) {
                zip.putNextEntry(new ZipEntry(part.getKey() + ".ndlist"));
                zip.write(part.getValue().encode());
                zip.closeEntry();
            }
        }
        String name = String.format("iter_%08d.ckpt", nextIteration);
        String path = store.resolve(dir, name);
        store.writeAtomically(path, bytes.toByteArray());
        store.writeAtomically(store.resolve(dir, LATEST), (name + "\n").getBytes(StandardCharsets.UTF_8));
        prune(name);
        return path;
    }

    /** The newest complete checkpoint, with its arrays in {@code manager}; empty if there is none. */
    public Optional<Checkpoint> loadLatest(NDManager manager) throws IOException {
        String latest = store.resolve(dir, LATEST);
        if (!store.exists(latest)) {
            return Optional.empty();
        }
        String name;
        try (InputStream in = store.open(latest)) {
            name = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
        String path = store.resolve(dir, name);
        if (!store.exists(path)) {
            throw new InvalidFileException(latest + " names " + name + ", which does not exist; the run directory is damaged");
        }
        return Optional.of(load(path, manager));
    }

    /** Reads one checkpoint file. */
    public Checkpoint load(String path, NDManager manager) throws IOException {
        byte[] bytes;
        try (InputStream in = store.open(path)) {
            bytes = in.readAllBytes();
        }
        Map<String, NDList> parts = new HashMap<>();
        JsonNode state = null;
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            ZipEntry entry;
            while ((entry = zip.getNextEntry()) != null) {
                byte[] content = zip.readAllBytes();
                if (entry.getName().equals("state.json")) {
                    state = JSON.readTree(content);
                } else if (entry.getName().endsWith(".ndlist")) {
                    String part = entry.getName().substring(0, entry.getName().length() - ".ndlist".length());
                    parts.put(part, NDList.decode(manager, content));
                }
            }
        }
        if (state == null) {
            throw new InvalidFileException(path + ": not a cluda checkpoint (no state.json inside)");
        }
        Map<String, String> metadata = new HashMap<>();
        state.path("metadata").fields().forEachRemaining(e -> metadata.put(e.getKey(), e.getValue().asText()));
        return new Checkpoint(state.path("next_iteration").asLong(), parts, metadata);
    }

    /** Checkpoint files present, oldest first. */
    public List<String> list() throws IOException {
        if (!store.exists(dir)) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String f : store.listFiles(dir)) {
            if (f.endsWith(".ckpt")) {
                out.add(f);
            }
        }
        out.sort(null);
        return out;
    }

    private void prune(String newest) throws IOException {
        List<String> all = list();
        int excess = all.size() - 1 - keep;
        for (int i = 0; i < excess; i++) {
            if (!all.get(i).endsWith(newest)) {
                store.deleteRecursively(all.get(i));
            }
        }
    }
}
