package dev.cluda.data;

import dev.cluda.io.FileStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Indexes and reads a dataset under a {@link BadSamplePolicy}: with {@code FAIL} the first
 * {@link BadSampleException} (a missing label at index time, or a bad file at read time) is
 * rethrown; with {@code SKIP} the sample is left out and recorded in {@link #log()}. Other
 * I/O errors (a store that cannot be reached) always propagate. Not thread-safe: one loader
 * per thread or Spark partition.
 */
public final class SampleLoader {

    private final DatasetReader reader;
    private final FileStore store;
    private final BadSamplePolicy policy;
    private final BadSampleLog log;

    public SampleLoader(DatasetReader reader, FileStore store, BadSamplePolicy policy) {
        this(reader, store, policy, "");
    }

    /** A loader whose {@link #log()} is labelled {@code label} ("source", "target train", "target val"). */
    public SampleLoader(DatasetReader reader, FileStore store, BadSamplePolicy policy, String label) {
        this.reader = Objects.requireNonNull(reader, "reader");
        this.store = Objects.requireNonNull(store, "store");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.log = new BadSampleLog(label);
    }

    /**
     * The samples of {@code split} below {@code root}, sorted by id; images without a label are
     * handled by the policy.
     *
     * @throws BadSampleException under {@code FAIL}, for the first image without its label
     */
    public List<SampleRef> index(String root, String split) throws IOException {
        DatasetIndex index = reader.scan(store, root, split);
        for (SampleRef ref : index.samples()) {
            log.seen(ref.id());
        }
        for (BadSampleException missing : index.missingLabels()) {
            handle(missing.file(), missing);
        }
        return index.samples();
    }

    /**
     * Reads one sample; empty if it is bad and the policy is {@code SKIP}.
     *
     * @throws BadSampleException under {@code FAIL}, if the sample is bad
     */
    public Optional<Sample> read(SampleRef ref) throws IOException {
        log.seen(ref.id());
        try {
            return Optional.of(reader.read(store, ref));
        } catch (BadSampleException e) {
            handle(ref.id(), e);
            return Optional.empty();
        }
    }

    /** Reads every ref in order, leaving out bad samples under {@code SKIP}. */
    public List<Sample> readAll(List<SampleRef> refs) throws IOException {
        List<Sample> samples = new ArrayList<>(refs.size());
        for (SampleRef ref : refs) {
            read(ref).ifPresent(samples::add);
        }
        return samples;
    }

    public BadSamplePolicy policy() {
        return policy;
    }

    /** What was skipped so far (always empty under {@code FAIL}). */
    public BadSampleLog log() {
        return log;
    }

    private void handle(String id, BadSampleException problem) throws BadSampleException {
        if (policy == BadSamplePolicy.FAIL) {
            throw problem;
        }
        log.skipped(id, problem);
    }
}
