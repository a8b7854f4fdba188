package dev.cluda.jobs;

import java.io.Serial;
import java.io.Serializable;

/**
 * What one rank of {@link DistributedTrainJob} reports back to the driver.
 *
 * @param rank the rank (partition id)
 * @param attempt the attempt number of the stage that succeeded (0 first)
 * @param resumedFrom the iteration this attempt started at (0 without a checkpoint)
 * @param iterations the configured total
 * @param mIoU the last evaluation's target mIoU (NaN if none)
 * @param executor the Spark executor id that ran it ({@code driver} in local mode)
 * @param address the rank's {@code host:port} in the ring
 * @param device the DJL device it trained on
 * @param replicaChecks how many times this attempt found every rank's student and teacher identical
 * @param seconds wall time of the ring and training
 */
public record RankSummary(int rank, int attempt, long resumedFrom, long iterations, double mIoU, String executor,
                          String address,
                          String device, int replicaChecks, double seconds) implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;
}
