/**
 * Collective communication among the ranks of data-parallel training (ARCHITECTURE.md
 * "Distributed training design"): the {@link dev.cluda.comm.Collective} interface, a single-rank
 * no-op, a TCP ring over Java NIO (bandwidth-optimal ring all-reduce, pipelined in pieces, with
 * deadlines, handshake and optional FP16/BF16 wire compression) and its loopback benchmark.
 * Pure Java: the Spark rendezvous that exchanges the {@code host:port} list lives elsewhere.
 */
package dev.cluda.comm;
