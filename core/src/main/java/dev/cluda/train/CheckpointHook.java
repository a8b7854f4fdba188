package dev.cluda.train;

import dev.cluda.rundir.CheckpointStore;
import java.io.IOException;
import java.util.function.Consumer;

/** Writes a checkpoint every {@code train.checkpointInterval} iterations and after the last (rank 0). */
final class CheckpointHook implements TrainingHook {

    private final TrainingSession session;
    private final CheckpointStore checkpoints;
    private final long interval;
    private final Consumer<String> log;

    CheckpointHook(TrainingSession session, CheckpointStore checkpoints, long interval, Consumer<String> log) {
        this.session = session;
        this.checkpoints = checkpoints;
        this.interval = interval;
        this.log = log;
    }

    @Override
    public void afterIteration(Iteration it) throws IOException {
        if (it.due(interval)) {
            log.accept("checkpoint: " + session.save(checkpoints, it.done()));
        }
    }
}
