/**
 * What a training run writes into its run directory (ARCHITECTURE.md, "Command line and files"):
 * checkpoints of student, teacher and optimizer with {@code latest}, {@code metrics.jsonl}, and the
 * self-contained {@code report.html}.
 */
package dev.cluda.rundir;
