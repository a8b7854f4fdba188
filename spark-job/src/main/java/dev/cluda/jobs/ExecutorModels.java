package dev.cluda.jobs;

import dev.cluda.error.UserInputException;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.cluda.io.FileStore;
import dev.cluda.model.ModelParameters;
import dev.cluda.model.SegmentationModel;
import dev.cluda.rundir.CheckpointStore;
import dev.cluda.ndarray.GradMode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Inference models loaded from checkpoints and shared by every Spark task of one JVM: an executor
 * reads a checkpoint once, not once per partition (the DJL Spark extension's idea, whose
 * {@code Predictor} is rebuilt per partition).
 *
 * <p>Use: {@code try (Lease lease = ExecutorModels.shared().acquire(key, store)) { lease.infer(model -> ...); }}.
 *
 * <p>Thread safety: {@link #acquire} and lease release synchronize on the cache, and a missing
 * model is loaded while that lock is held, so tasks asking for the same model at the same time
 * wait for one load. Forward passes on one model are <b>serialized</b> by a per-model lock inside
 * {@link Lease#infer}: DJL does not promise that a block's {@code forward} is safe from several
 * threads, and libtorch already spreads one forward pass over its intra-op threads, so the lock
 * costs little while decoding, encoding and I/O of the other tasks still run in parallel.
 *
 * <p>Memory: each model lives in its own {@link NDManager}. Beyond {@code capacity} models, the
 * least recently used ones that no task holds are closed when another is loaded; a model in use
 * is never closed.
 */
public final class ExecutorModels {

    /** Models kept per JVM before unused ones are closed. */
    public static final int DEFAULT_CAPACITY = 2;

    private static final ExecutorModels SHARED = new ExecutorModels(DEFAULT_CAPACITY, ExecutorModels::loadCheckpoint);

    /** Builds the model for a key, with its arrays in {@code manager}. */
    @FunctionalInterface
    public interface Loader {
        SegmentationModel load(ModelKey key, FileStore store, NDManager manager) throws IOException;
    }

    /** A computation with a model, run by {@link Lease#infer} under the model's lock. */
    @FunctionalInterface
    public interface Inference<T> {
        T apply(SegmentationModel model) throws IOException;
    }

    private final int capacity;
    private final Loader loader;
    /** In access order: the first unleased entry is the least recently used. Guarded by {@code this}. */
    private final LinkedHashMap<ModelKey, Entry> entries = new LinkedHashMap<>(8, 0.75f, true);
    private long loads;

    /**
     * @param capacity models kept before unused ones are closed, at least 1
     * @param loader how a missing model is built
     */
    public ExecutorModels(int capacity, Loader loader) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
        }
        this.capacity = capacity;
        this.loader = Objects.requireNonNull(loader, "loader");
    }

    /** The cache of this JVM, loading with {@link #loadCheckpoint}. */
    public static ExecutorModels shared() {
        return SHARED;
    }

    /**
     * The model of {@code key}, loaded now if this JVM does not hold it; release the lease when done.
     *
     * @param store where the checkpoint is read from if the model must be loaded
     * @throws IOException if the checkpoint cannot be read (naming it)
     * @throws IllegalArgumentException if it lacks the requested weights or was written for another model
     */
    public synchronized Lease acquire(ModelKey key, FileStore store) throws IOException {
        Entry entry = entries.get(key);
        if (entry == null) {
            evictUnused(capacity - 1);
            NDManager manager = NDManager.newBaseManager();
            try {
                entry = new Entry(manager, loader.load(key, store, manager));
            } catch (IOException | RuntimeException e) {
                manager.close();
                throw e;
            }
            entries.put(key, entry);
            loads++;
        }
        entry.leases++;
        return new Lease(key, entry);
    }

    /** Models loaded by this cache since it was made. */
    public synchronized long loads() {
        return loads;
    }

    /** Models held now. */
    public synchronized int size() {
        return entries.size();
    }

    /** Whether the model of {@code key} is held now. */
    public synchronized boolean holds(ModelKey key) {
        return entries.containsKey(key);
    }

    /**
     * Closes every model no task holds.
     *
     * @return the number of models still held because a lease is open
     */
    public synchronized int clear() {
        evictUnused(0);
        return entries.size();
    }

    private synchronized void release(Entry entry) {
        entry.leases--;
        if (entries.size() > capacity) {
            evictUnused(capacity);
        }
    }

    /** Closes least recently used unleased models until at most {@code keep} remain (or only leased ones). */
    private void evictUnused(int keep) {
        List<Entry> closing = new ArrayList<>();
        for (Iterator<Map.Entry<ModelKey, Entry>> it = entries.entrySet().iterator();
             it.hasNext() && entries.size() > keep; ) {
            Entry e = it.next().getValue();
            if (e.leases == 0) {
                it.remove();
                closing.add(e);
            }
        }
        for (Entry e : closing) {
            e.manager.close();
        }
    }

    /**
     * Builds {@code key.spec()} and overwrites its parameters (BatchNorm statistics included) with
     * the checkpoint's {@code key.weights()} part; stochastic depth and dropout are turned off.
     * The student, teacher and optimizer state are decoded into a scratch manager that is closed
     * before returning, so only the chosen network stays in memory.
     *
     * @throws IllegalArgumentException if the checkpoint has no such part (a teacher is saved only
     *     when {@code uda.enabled}) or its parameters do not fit the spec
     */
    public static SegmentationModel loadCheckpoint(ModelKey key, FileStore store, NDManager manager) throws IOException {
        GradMode.disableOnThisThread(); // loading writes parameters in place: no graph may record it
        SegmentationModel model = SegmentationModel.createInitialized(key.spec(), 0L, manager);
        try (NDManager scratch = manager.newSubManager()) {
            // load(path, ...) reads the file named; the run directory argument is not used for it.
            CheckpointStore.Checkpoint checkpoint = new CheckpointStore(store, key.checkpoint(), 0)
                    .load(key.checkpoint(), scratch);
            NDList part = checkpoint.parts().get(key.weights().partName());
            if (part == null) {
                throw new UserInputException(key.checkpoint() + " holds no " + key.weights().partName()
                        + " weights (it has " + new java.util.TreeSet<>(checkpoint.parts().keySet())
                        + "); a teacher is saved only by UDA runs (uda.enabled = true): use --weights student");
            }
            ModelParameters.load(model, part, key.checkpoint() + " (" + key.weights().partName() + ")");
        }
        model.setDropoutEnabled(false);
        return model;
    }

    /** One model and its bookkeeping. */
    private static final class Entry {
        final NDManager manager;
        final SegmentationModel model;
        final ReentrantLock forward = new ReentrantLock();
        int leases;

        Entry(NDManager manager, SegmentationModel model) {
            this.manager = manager;
            this.model = model;
        }
    }

    /** A task's hold on one model; the model is not closed while a lease is open. Not for sharing between threads. */
    public final class Lease implements AutoCloseable {
        private final ModelKey key;
        private final Entry entry;
        private boolean released;

        private Lease(ModelKey key, Entry entry) {
            this.key = key;
            this.entry = entry;
        }

        public ModelKey key() {
            return key;
        }

        /**
         * Runs {@code inference} with the model while holding the model's forward lock, with
         * gradient recording off on the calling thread.
         */
        public <T> T infer(Inference<T> inference) throws IOException {
            if (released) {
                throw new IllegalStateException("lease of " + key.checkpoint() + " was released; acquire a new one");
            }
            GradMode.disableOnThisThread();
            entry.forward.lock();
            try {
                return inference.apply(entry.model);
            } finally {
                entry.forward.unlock();
            }
        }

        @Override
        public void close() {
            if (!released) {
                released = true;
                release(entry);
            }
        }
    }
}
