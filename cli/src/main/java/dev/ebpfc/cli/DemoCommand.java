package dev.ebpfc.cli;

import dev.ebpfc.frontend.asm.LlvmPrinter;
import dev.ebpfc.frontend.elf.ObjectLoader;
import dev.ebpfc.frontend.object.BpfObject;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.backend.CompileOptions;
import dev.ebpfc.backend.Target;
import dev.ebpfc.backend.arm64.Arm64Target;
import dev.ebpfc.backend.riscv64.Riscv64Target;
import dev.ebpfc.backend.x86_64.X86Target;
import dev.ebpfc.emulator.EmulatedEngine;
import dev.ebpfc.ir.verify.Mode;
import dev.ebpfc.ir.verify.Verifier;
import dev.ebpfc.ir.verify.VerifierResult;
import dev.ebpfc.runtime.Engine;
import dev.ebpfc.runtime.ExecutionResult;
import dev.ebpfc.runtime.RunEnvironment;
import dev.ebpfc.runtime.RuntimeOptions;
import dev.ebpfc.runtime.context.RunInput;
import dev.ebpfc.runtime.context.SamplePackets;
import dev.ebpfc.runtime.interp.InterpreterEngine;
import dev.ebpfc.runtime.maps.MapSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/// `ebpfc demo`: the README's first command. Takes the bundled example programs (the benchmark
/// suite's clang-built XDP objects), verifies them, compiles each for x86_64, ARM64 and RISC-V64,
/// runs it on a sample HTTP packet with the reference interpreter and with the compiled code of
/// all three ISAs under emulation, and prints a table (result, agreement, code sizes), then the
/// start of one disassembly.
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Load, check and run the bundled example programs and show the results.",
        footer = {"", "Examples:", "  ebpfc demo", "  ebpfc demo bench/programs/obj/xdp_lb.o --disasm 40"})
final class DemoCommand implements Callable<Integer> {
    @Mixin
    Verbosity verbosity;

    @Parameters(paramLabel = "OBJECT", arity = "0..*", description = "ELF objects (default: the bundled examples).")
    List<Path> objects = new ArrayList<>();

    @Option(names = "--disasm", paramLabel = "N", defaultValue = "16", description = "Disassembly lines to show of the first program (default: ${DEFAULT-VALUE}).")
    int disasmLines;

    @Override
    public Integer call() throws IOException {
        List<Path> files = objects.isEmpty() ? bundled() : objects;
        PrintStream out = System.out;
        byte[] packet = SamplePackets.http();
        out.println("ebpfc demo: " + files.size() + " programs, each run by the reference interpreter on a "
                + packet.length + "-byte HTTP packet");
        out.println();
        out.printf("%-14s %5s %-9s %-11s %8s %10s  %-18s %s%n", "program", "insns", "verifier", "result", "executed",
                "interp", "x86_64/arm64/riscv64", "native code bytes x86_64/arm64/riscv64 (-O0)");
        InterpreterEngine engine = new InterpreterEngine();
        List<Engine> compiled = List.of(EmulatedEngine.x86_64(), EmulatedEngine.arm64(), EmulatedEngine.riscv64());
        List<Target> targets = List.of(new X86Target(), new Arm64Target(), new Riscv64Target());
        boolean allOk = true;
        ProgramDef first = null;
        for (Path f : files) {
            BpfObject obj = ObjectLoader.load(f);
            for (int i = 0; i < obj.programs().size(); i++) {
                ProgramDef p = obj.programs().get(i);
                if (first == null) first = p;
                RuntimeOptions o = RuntimeOptions.linux();
                ExecutionResult r = engine.run(obj, i, new MapSet(obj.maps()), RunInput.of(packet), o);
                long[] times = new long[51];
                for (int k = 0; k < times.length; k++) {
                    MapSet m = new MapSet(obj.maps());
                    long t0 = System.nanoTime();
                    engine.run(obj, i, m, RunInput.of(packet), o);
                    times[k] = System.nanoTime() - t0;
                }
                Arrays.sort(times);
                String result = r.ok() ? "0x" + Long.toHexString(r.r0()) + xdpAction(r.r0()) : r.error().name().toLowerCase();
                allOk &= r.ok();
                VerifierResult v = Verifier.verify(p, obj.maps(), RunEnvironment.contextKind(o, p), o.profile(), Mode.STRICT);
                StringBuilder agree = new StringBuilder();
                for (Engine e : compiled) {
                    ExecutionResult c = e.run(obj, i, new MapSet(obj.maps()), RunInput.of(packet), o);
                    boolean same = c.r0() == r.r0() && c.error() == r.error() && c.digest().equals(r.digest());
                    allOk &= same;
                    agree.append(agree.isEmpty() ? "" : "/").append(same ? "same" : "DIFFERS");
                }
                StringBuilder sizes = new StringBuilder();
                for (Target t : targets) {
                    sizes.append(sizes.isEmpty() ? "" : "/").append(t.compile(p, CompileOptions.O0.withListing(false)).codeSize());
                }
                out.printf("%-14s %5d %-9s %-11s %8d %7.1f µs  %-18s %s%n", p.name(), p.program().slotCount(),
                        v.accepted() ? "accepted" : "rejected", result, r.executed(), times[times.length / 2] / 1000.0, agree, sizes);
                if (!r.ok()) out.println("  " + r.message());
                if (!v.accepted()) out.println("  " + v.messages().getFirst());
            }
        }
        if (first != null && disasmLines > 0) {
            out.println();
            out.println("first " + Math.min(disasmLines, first.program().size()) + " instructions of " + first.name() + ":");
            for (int i = 0; i < Math.min(disasmLines, first.program().size()); i++) {
                out.printf("%5d: %s%n", first.program().slot(i), LlvmPrinter.print(first.program().get(i)));
            }
        }
        out.println();
        out.println("\"same\" = r0, error kind and every memory region equal to the interpreter's. The optimising -O2");
        out.println("code generators are next; `ebpfc compile`, `ebpfc verify`, `ebpfc ir -O2` show each stage.");
        return allOk ? EbpfcCommand.EXIT_OK : EbpfcCommand.EXIT_FAILED;
    }

    private static String xdpAction(long r0) {
        return switch ((int) r0) {
            case 0 -> " ABORTED";
            case 1 -> " DROP";
            case 2 -> " PASS";
            case 3 -> " TX";
            case 4 -> " REDIRECT";
            default -> "";
        };
    }

    private static List<Path> bundled() throws IOException {
        Path dir = Path.of(System.getProperty("ebpfc.root", ".")).resolve("bench/programs/obj");
        if (!Files.isDirectory(dir)) throw new UsageException("bundled examples not found at " + dir + " (run from the ebpfc checkout)");
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".o")).sorted().toList();
        }
    }
}
