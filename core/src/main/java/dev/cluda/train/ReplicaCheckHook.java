package dev.cluda.train;

import dev.cluda.config.DistributedConfig;
import java.util.function.LongConsumer;

/**
 * Every {@code distributed.checkInterval} iterations and after the last, all ranks compare the
 * checksums of their student and teacher weights and stop if any differs (reference §13).
 */
final class ReplicaCheckHook implements TrainingHook {

    private final TrainingSession session;
    private final DistributedConfig distributed;
    private final LongConsumer verified;

    /** @param verified told the number of iterations done after each successful check */
    ReplicaCheckHook(TrainingSession session, DistributedConfig distributed, LongConsumer verified) {
        this.session = session;
        this.distributed = distributed;
        this.verified = verified;
    }

    @Override
    public void afterIteration(Iteration it) {
        if (distributed.checksAfter(it.index(), it.total())) {
            session.verifyReplicasIdentical(it.done());
            verified.accept(it.done());
        }
    }
}
