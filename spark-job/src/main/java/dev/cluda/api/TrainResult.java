package dev.cluda.api;

import dev.cluda.eval.EvalResult;

/**
 * How a training run went ({@link CludaApi#train}, {@link CludaApi#resume}).
 *
 * @param runDir the run directory: {@code config.conf}, {@code metrics.jsonl}, {@code eval.json},
 *     {@code checkpoints/}, {@code report.html}, {@code train.log}
 * @param iterations the iterations the run has done in all, earlier sessions included
 * @param resumedFrom the iteration this session started at (0 for a fresh run)
 * @param eval the latest evaluation on the target (the content of {@code eval.json}), or null if
 *     the run made none
 * @param seconds wall time of the training, the data check not included
 * @param ranks data-parallel ranks ({@code distributed.ranks}); 1 for a run in the driver
 * @param attempts Spark stage attempts of a data-parallel run (1 = no retry)
 */
public record TrainResult(String runDir, long iterations, long resumedFrom, EvalResult eval, double seconds,
                          int ranks, int attempts) {
}
