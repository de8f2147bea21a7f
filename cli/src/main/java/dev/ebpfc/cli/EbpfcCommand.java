package dev.ebpfc.cli;

import dev.ebpfc.frontend.FrontendException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;

/// The root `ebpfc` command: its subcommands, version, and how failures become one-line messages
/// and exit codes. A user mistake never prints a stack trace; `--verbose` adds the cause chain.
@Command(name = "ebpfc",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "Compiles eBPF bytecode to native code for x86_64, ARM64 and RISC-V64.",
        subcommands = {
            DemoCommand.class,
            AsmCommand.class,
            DisasmCommand.class,
            RunCommand.class,
            IrCommand.class,
            VerifyCommand.class,
            CompileCommand.class,
            ConformanceCommand.class,
            FuzzCommand.class,
            BenchCommand.class,
            PluginCommand.class,
            CommandLine.HelpCommand.class,
        })
public final class EbpfcCommand implements Runnable {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand (see ebpfc --help)");
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new EbpfcCommand());
        cl.setExitCodeExceptionMapper(t -> t instanceof CommandLine.ParameterException ? EXIT_USAGE : EXIT_FAILED);
        cl.setParameterExceptionHandler(EbpfcCommand::usageError);
        cl.setExecutionExceptionHandler(EbpfcCommand::failure);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }

    private static int usageError(CommandLine.ParameterException e, String[] args) {
        PrintWriter err = e.getCommandLine().getErr();
        err.println("ebpfc: " + e.getMessage());
        err.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
        err.flush();
        return EXIT_USAGE;
    }

    private static int failure(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        err.println("ebpfc: " + describe(e));
        if (Verbosity.isVerbose(parsed)) {
            for (Throwable t = e.getCause(); t != null; t = t.getCause()) err.println("  caused by: " + t);
        }
        err.flush();
        return e instanceof UsageException ? EXIT_USAGE : EXIT_FAILED;
    }

    /// One line naming what went wrong; internal errors say so and ask for a report.
    static String describe(Throwable e) {
        return switch (e) {
            case FrontendException f -> f.getMessage();
            case UsageException u -> u.getMessage();
            case NoSuchFileException n -> n.getFile() + ": no such file";
            case UncheckedIOException u -> describe(u.getCause());
            case IOException io -> io.getMessage() == null ? io.toString() : io.getMessage();
            default -> "internal error: " + e + " (please report it; --verbose shows more)";
        };
    }
}
