package dev.cluda.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code cluda} command line: one subcommand per job. */
@Command(name = "cluda",
        mixinStandardHelpOptions = true,
        version = "cluda 0.1.0",
        description = "CLUDA: unsupervised domain adaptation for semantic segmentation, on Apache Spark.",
        subcommands = {CommandLine.HelpCommand.class, SynthCommand.class, StatsCommand.class,
            PseudoLabelsCommand.class, TrainCommand.class, EvalCommand.class, PredictCommand.class, BenchCommand.class,
            ExplainCommand.class, StudyCommand.class, RetrainCommand.class})
public final class Cluda implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    /** Builds the command line with the process-wide exception handling every entry point shares. */
    public static CommandLine commandLine() {
        return new CommandLine(new Cluda()).setExecutionExceptionHandler(new ErrorHandler());
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
