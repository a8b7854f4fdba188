/**
 * Spark jobs: dataset table, rare-class statistics, pseudo-labels, predictions, distributed evaluation, the barrier-stage
 * trainer and the per-executor model cache; and what the command line and the notebook API share around them (a
 * training run with its run directory and data check, configuration files, progress lines).
 */
package dev.cluda.jobs;
