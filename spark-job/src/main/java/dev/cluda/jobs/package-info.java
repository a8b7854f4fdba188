/** Spark jobs: dataset table, rare-class statistics, pseudo-labels, distributed evaluation, the barrier-stage trainer and the per-executor model cache. */
package dev.cluda.jobs;
