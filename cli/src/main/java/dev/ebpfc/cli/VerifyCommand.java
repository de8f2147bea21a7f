package dev.ebpfc.cli;

import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.ir.verify.Diagnostic;
import dev.ebpfc.ir.verify.Mode;
import dev.ebpfc.ir.verify.Verifier;
import dev.ebpfc.ir.verify.VerifierResult;
import dev.ebpfc.runtime.context.ContextKind;
import dev.ebpfc.runtime.helpers.HelperProfile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/// `ebpfc verify FILE`: runs the safety verifier on each program and prints `accepted` with a
/// summary, or the rejection messages; exit 0 when every program is accepted, 1 otherwise.
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Check that eBPF programs are safe (bounds, initialisation, pointers, helpers, loops).",
        footer = {"", "Examples:",
            "  ebpfc verify prog.o                          every program, strict mode",
            "  ebpfc verify prog.o --program xdp_prog --json",
            "  ebpfc verify tests/stack.data --mode trusted  raw memory of unknown length"})
final class VerifyCommand implements Callable<Integer> {
    @Mixin
    Verbosity verbosity;

    @Parameters(paramLabel = "FILE", description = "ELF object, .data test, assembler text or raw bytecode.")
    Path file;

    @Option(names = "--program", paramLabel = "NAME", description = "Only this program (default: all).")
    String program;

    @Option(names = "--format", paramLabel = "KIND", description = "Force the input kind: ${COMPLETION-CANDIDATES}.")
    InputFile.Kind format;

    @Option(names = "--mode", paramLabel = "MODE", description = "strict (kernel-like; default for ELF objects) or trusted (default for .data tests, assembler and raw bytecode).")
    String mode;

    @Option(names = "--ctx", paramLabel = "KIND", description = "Context: xdp, skb (tc), socket or raw (default: from the ELF section; raw otherwise).")
    String ctx;

    @Option(names = "--profile", paramLabel = "NAME", description = "Helper numbering: linux or conformance (default: conformance for .data tests, linux otherwise).")
    String profile;

    @Option(names = "--json", description = "Print one JSON object per program.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        InputFile in = InputFile.read(file, format, null);
        HelperProfile helpers = in.helpers(profile);
        Mode m;
        try {
            m = mode != null ? Mode.parse(mode) : in.kind() == InputFile.Kind.elf ? Mode.STRICT : Mode.TRUSTED;
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        List<ProgramDef> programs = in.programs(program);
        int rejected = 0;
        for (ProgramDef p : programs) {
            ContextKind kind = in.context(ctx, p);
            VerifierResult r = Verifier.verify(p, in.object().maps(), kind, helpers, m);
            if (!r.accepted()) rejected++;
            if (json) {
                System.out.println(json(p, kind, m, r));
            } else if (r.accepted()) {
                System.out.println((programs.size() > 1 ? p.name() + ": " : "") + r.summary());
            } else {
                for (Diagnostic d : r.messages()) System.out.println(d);
            }
        }
        return rejected == 0 ? EbpfcCommand.EXIT_OK : EbpfcCommand.EXIT_FAILED;
    }

    private static String json(ProgramDef p, ContextKind kind, Mode m, VerifierResult r) {
        Json.Writer w = new Json.Writer().object()
                .field("program", p.name())
                .field("context", kind.name().toLowerCase())
                .field("mode", m.name().toLowerCase())
                .field("accepted", r.accepted())
                .field("instructions", r.instructions())
                .field("states", r.states())
                .field("ms", r.nanos() / 1e6);
        w.key("messages").array();
        for (Diagnostic d : r.messages()) {
            w.object().field("function", d.function()).field("slot", d.slot());
            if (d.line() != null) w.field("file", d.line().file()).field("line", d.line().line()).field("source", d.line().sourceLine());
            w.field("text", d.text()).field("message", d.toString()).end();
        }
        return w.end().end().toString();
    }
}
