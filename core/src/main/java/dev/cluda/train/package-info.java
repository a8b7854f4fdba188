/**
 * The training loop (reference §1, §7): {@link dev.cluda.train.Trainer} runs the iterations of one
 * rank (a run in this process is the single {@link dev.cluda.train.Rank#alone() rank}) and hands
 * each to small hooks that own the periodic work (checkpoint, evaluation, metrics, report, replica
 * check, garbage collection, fault injection); {@link dev.cluda.train.TrainingSession} holds the
 * models, optimizer and CLUDA step of one rank and runs one iteration;
 * {@link dev.cluda.train.TrainingData} and {@code UdaDataSampler} prepare and draw the source and
 * target crops from random streams derived from (seed, rank, iteration);
 * {@link dev.cluda.train.StepBenchmark} times the iteration.
 */
package dev.cluda.train;
