package dev.ebpfc.cli;

import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.ir.Module;
import dev.ebpfc.ir.check.CheckError;
import dev.ebpfc.ir.check.IrChecker;
import dev.ebpfc.ir.lift.LiftException;
import dev.ebpfc.ir.lift.Lifter;
import dev.ebpfc.ir.opt.PassContext;
import dev.ebpfc.ir.opt.Pipeline;
import dev.ebpfc.ir.opt.PipelineListener;
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

/// `ebpfc ir FILE`: lifts programs to the SSA IR, optimises them at `-O1`/`-O2` (the passes of
/// `Pipeline.passes`) and prints them in the text format (the one `IrParser` reads). `--check`
/// also runs the well-formedness checker (after every pass when optimising); `--print-after`
/// prints the IR after one pass or all of them, `--time-passes` reports each pass's time and
/// the instruction count after it, on standard error.
@Command(name = "ir", mixinStandardHelpOptions = true,
        description = "Lift eBPF programs to the SSA IR and print it.",
        footer = {"", "Examples:",
            "  ebpfc ir prog.o                              every program of the object",
            "  ebpfc ir prog.o --program xdp_prog --check",
            "  ebpfc ir prog.o -O2 --print-after all --time-passes",
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

    @Option(names = "-O", paramLabel = "LEVEL", defaultValue = "0", description = "Optimisation level: 0 (the lifted IR), 1 (promotion, constants, copies, dead code, CFG) or 2 (all passes).")
    String level;

    @Option(names = "--check", description = "Run the IR checker and report on standard error.")
    boolean check;

    @Option(names = "--ctx", paramLabel = "KIND", description = "Context: xdp, skb (tc), socket or raw (default: from the ELF section; raw otherwise).")
    String ctx;

    @Option(names = "--profile", paramLabel = "NAME", description = "Helper numbering, which fixes each call's arguments: linux or conformance (default: conformance for .data tests, linux otherwise).")
    String profile;

    @Option(names = "--print-after", paramLabel = "PASS", description = "Print the IR after each run of PASS, or after every pass (all), on standard output.")
    String printAfter;

    @Option(names = "--time-passes", description = "Report the time of each pass and the instruction count after it, on standard error.")
    boolean timePasses;

    @Override
    public Integer call() throws IOException {
        int optLevel = switch (level) {
            case "0" -> 0;
            case "1" -> 1;
            case "2" -> 2;
            default -> throw new UsageException("-O" + level + ": no such optimisation level (0, 1 or 2)");
        };
        if (printAfter != null && !printAfter.equals("all") && !Pipeline.passNames().contains(printAfter)) {
            throw new UsageException("--print-after " + printAfter + ": no such pass (all, " + String.join(", ", Pipeline.passNames()) + ")");
        }
        if (printAfter != null && optLevel > 0 && !Pipeline.passes(optLevel).stream().anyMatch(p -> printAfter.equals("all") || p.name().equals(printAfter))) {
            throw new UsageException("--print-after " + printAfter + ": the pass does not run at -O" + optLevel);
        }
        InputFile in = InputFile.read(file, format, null);
        HelperProfile helpers = in.helpers(profile);
        List<ProgramDef> programs = in.programs(program);
        PrintStream out = System.out;
        boolean many = programs.size() > 1;
        int failed = 0;
        for (ProgramDef p : programs) {
            ContextKind kind = in.context(ctx, p);
            Module m;
            try {
                m = Lifter.lift(p, in.object().maps(), kind, helpers);
            } catch (LiftException e) {
                System.err.println("ebpfc: " + file + ": program " + p.name() + ": " + e.getMessage());
                failed++;
                continue;
            }
            if (many) out.println("; program " + p.name() + (p.section().isEmpty() ? "" : " (section " + p.section() + ")") + ", context " + kind.name().toLowerCase());
            if (optLevel > 0) {
                try {
                    optimise(p, m, new PassContext(optLevel, check, helpers, kind, in.object().maps()), out);
                } catch (IllegalStateException e) {
                    // The checker found the optimiser's output malformed: an optimiser bug, reported per program.
                    System.err.println("ebpfc: " + file + ": program " + p.name() + ": " + e.getMessage().lines().findFirst().orElse(""));
                    failed++;
                    continue;
                }
            }
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

    /// Runs the pipeline of `context.level()` over `m`, printing after the chosen passes and timing
    /// them. The context carries what a real compilation has (the helper numbering, the context
    /// kind and the object's maps), so `bce` and `helper-inline` do here what they do there.
    private void optimise(ProgramDef p, Module m, PassContext context, PrintStream out) {
        int optLevel = context.level();
        PrintStream err = System.err;
        if (timePasses) err.printf("; -O%d passes for %s: %d instructions lifted%n", optLevel, p.name(), instructions(m));
        long[] total = {0};
        PipelineListener listener = (pass, module, nanos) -> {
            total[0] += nanos;
            if (timePasses) err.printf(";   %-14s %9.3f ms  %6d instructions%n", pass.name(), nanos / 1e6, instructions(module));
            if (printAfter != null && (printAfter.equals("all") || printAfter.equals(pass.name()))) {
                out.println("; after " + pass.name());
                out.print(IrPrinter.print(module));
                out.println();
            }
        };
        Pipeline.run(m, context, listener);
        if (timePasses) {
            err.printf(";   %-14s %9.3f ms  %6d instructions%n", "total", total[0] / 1e6, instructions(m));
            if (!context.counters().isEmpty()) err.println(";   counters " + new java.util.TreeMap<>(context.counters()));
        }
        if (printAfter != null) out.println("; final");
    }

    private static int instructions(Module m) {
        int n = 0;
        for (var f : m.functions()) for (var b : f.blocks()) n += b.instructions().size();
        return n;
    }

    private static String summary(Module m) {
        int blocks = 0;
        for (var f : m.functions()) blocks += f.blocks().size();
        return m.functions().size() + " functions, " + blocks + " blocks, " + instructions(m) + " instructions";
    }
}
