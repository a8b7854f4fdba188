/** Spark jobs: dataset table, rare-class statistics, pseudo-labels, predictions, distributed evaluation, the barrier-stage trainer and the per-executor model cache. */
package dev.cluda.jobs;
