package dev.ebpfc.cli;

import picocli.CommandLine;

/// The `--verbose` option shared by every subcommand.
public final class Verbosity {
    @CommandLine.Option(names = {"-v", "--verbose"}, description = "Show more detail, including the causes of errors.")
    boolean verbose;

    static boolean isVerbose(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) return true;
        }
        return false;
    }
}
