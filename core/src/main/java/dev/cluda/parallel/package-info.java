/**
 * Synchronous data parallelism over a {@link dev.cluda.comm.Collective} (reference §13,
 * "Data-parallel replicas"): gradients flattened into one buffer and averaged before every
 * optimizer step, BatchNorm running statistics averaged, replicas checked bit-identical by weight
 * checksum, evaluation sharded and its confusion matrices summed, and the JVM-wide turn for
 * recording gradients that ranks sharing a JVM take.
 */
package dev.cluda.parallel;
