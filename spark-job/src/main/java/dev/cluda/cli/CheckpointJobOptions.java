package dev.cluda.cli;

import picocli.CommandLine.Option;

/**
 * {@code --checkpoint RUN_OR_CKPT --out DIR [--partitions N] [--overwrite]}: the options of every
 * command that runs a checkpoint's network over images on Spark and writes a folder of outputs.
 */
final class CheckpointJobOptions {

    @Option(names = "--checkpoint", required = true, paramLabel = "RUN_DIR_OR_CKPT",
            description = "run directory (its checkpoints/latest), or an iter_*.ckpt file")
    String checkpoint;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder (local path or Hadoop URI)")
    String out;

    @Option(names = "--partitions", defaultValue = "0", paramLabel = "N",
            description = "Spark partitions (default: Spark's default parallelism)")
    int partitions;

    @Option(names = "--overwrite", description = "delete a non-empty --out first")
    boolean overwrite;
}
