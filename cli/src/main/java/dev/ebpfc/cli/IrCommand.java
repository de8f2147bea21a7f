package dev.ebpfc.cli;

import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.ir.Module;
import dev.ebpfc.ir.check.CheckError;
import dev.ebpfc.ir.check.IrChecker;
import dev.ebpfc.ir.lift.LiftException;
import dev.ebpfc.ir.lift.Lifter;
import dev.ebpfc.ir.text.IrPrinter;
import dev.ebpfc.runtime.context.ContextKind;
import dev.ebpfc.runtime.helpers.HelperProfile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/// `ebpfc ir FILE`: lifts programs to the SSA IR and prints them in the text format (the one
/// `IrParser` reads). `--check` also runs the well-formedness checker. Optimisation levels above
/// `-O0`, `--print-after` and `--time-passes` belong to the optimiser and are refused until it lands.
@Command(name = "ir", mixinStandardHelpOptions = true,
        description = "Lift eBPF programs to the SSA IR and print it.",
        footer = {"", "Examples:",
            "  ebpfc ir prog.o                              every program of the object",
            "  ebpfc ir prog.o --program xdp_prog --check",
            "  ebpfc ir tests/call_local.data               conformance helper table, raw context"})
final class IrCommand implements Callable<Integer> {
    @Mixin
    Verbosity verbosity;

    @Parameters(paramLabel = "FILE", description = "ELF object, .data test, assembler text or raw bytecode.")
    Path file;

    @Option(names = "--program", paramLabel = "NAME", description = "Only this program (default: all).")
    String program;

    @Option(names = "--format", paramLabel = "KIND", description = "Force the input kind: ${COMPLETION-CANDIDATES}.")
    InputFile.Kind format;

    @Option(names = "-O", paramLabel = "LEVEL", defaultValue = "0", description = "Optimisation level; only 0 (the lifted IR) for now.")
    String level;

    @Option(names = "--check", description = "Run the IR checker and report on standard error.")
    boolean check;

    @Option(names = "--ctx", paramLabel = "KIND", description = "Context: xdp, skb (tc), socket or raw (default: from the ELF section; raw otherwise).")
    String ctx;

    @Option(names = "--profile", paramLabel = "NAME", description = "Helper numbering, which fixes each call's arguments: linux or conformance (default: conformance for .data tests, linux otherwise).")
    String profile;

    @Option(names = "--print-after", paramLabel = "PASS", description = "Print the IR after PASS (or all): comes with the optimiser.")
    String printAfter;

    @Option(names = "--time-passes", description = "Time each pass: comes with the optimiser.")
    boolean timePasses;

    @Override
    public Integer call() throws IOException {
        if (!level.equals("0")) {
            throw new UsageException("-O" + level + " is not available yet: the optimiser has not landed (only -O0, the lifted IR)");
        }
        if (printAfter != null) throw new UsageException("--print-after is not available yet: the optimiser has not landed");
        if (timePasses) throw new UsageException("--time-passes is not available yet: the optimiser has not landed");
        InputFile in = InputFile.read(file, format, null);
        HelperProfile helpers = profile != null ? RunCommand.profileNamed(profile)
                : in.kind() == InputFile.Kind.data ? HelperProfile.CONFORMANCE : HelperProfile.LINUX;
        List<ProgramDef> programs = in.programs(program);
        PrintStream out = System.out;
        boolean many = programs.size() > 1;
        int failed = 0;
        for (ProgramDef p : programs) {
            ContextKind kind = ctx != null ? RunCommand.contextNamed(ctx)
                    : in.kind() == InputFile.Kind.elf ? ContextKind.ofSection(p.section()) : ContextKind.RAW;
            Module m;
            try {
                m = Lifter.lift(p, in.object().maps(), kind, helpers);
            } catch (LiftException e) {
                System.err.println("ebpfc: " + file + ": program " + p.name() + ": " + e.getMessage());
                failed++;
                continue;
            }
            if (many) out.println("; program " + p.name() + (p.section().isEmpty() ? "" : " (section " + p.section() + ")") + ", context " + kind.name().toLowerCase());
            out.print(IrPrinter.print(m));
            if (many) out.println();
            if (check) {
                List<CheckError> errors = IrChecker.check(m);
                if (errors.isEmpty()) {
                    System.err.println(p.name() + ": well formed (" + summary(m) + ")");
                } else {
                    System.err.print(IrChecker.format(errors));
                    failed++;
                }
            }
        }
        return failed == 0 ? EbpfcCommand.EXIT_OK : EbpfcCommand.EXIT_FAILED;
    }

    private static String summary(Module m) {
        int blocks = 0, insts = 0;
        for (var f : m.functions()) {
            blocks += f.blocks().size();
            for (var b : f.blocks()) insts += b.instructions().size();
        }
        return m.functions().size() + " functions, " + blocks + " blocks, " + insts + " instructions";
    }
}
