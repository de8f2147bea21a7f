package dev.ebpfc.cli;

import dev.ebpfc.frontend.asm.LlvmPrinter;
import dev.ebpfc.frontend.elf.ObjectLoader;
import dev.ebpfc.frontend.object.BpfObject;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.backend.CompileOptions;
import dev.ebpfc.backend.CompiledProgram;
import dev.ebpfc.backend.ProgramEnvironment;
import dev.ebpfc.backend.nativeexec.NativeEngine;
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
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/// `ebpfc demo`: the README's first command. Takes the bundled example programs (the benchmark
/// suite's clang-built XDP objects), verifies them, compiles each at -O2 for x86_64, ARM64 and
/// RISC-V64, runs it on a sample HTTP packet with the reference interpreter, natively on the host
/// (x86_64 -O2 code, where the host is Linux x86_64) and under emulation on all three ISAs, and
/// prints a table (result, time per run, agreement, code size at -O2 and -O0 per ISA), then each
/// program's first instructions: the bytecode and the x86_64 -O2 code.
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Verify, compile (-O2, three ISAs), run (interpreter, native, emulated) and compare the bundled example programs.",
        footer = {"", "Examples:", "  ebpfc demo", "  ebpfc demo bench/programs/obj/xdp_lb.o --disasm 40"})
final class DemoCommand implements Callable<Integer> {
    @Mixin
    Verbosity verbosity;

    @Parameters(paramLabel = "OBJECT", arity = "0..*", description = "ELF objects (default: the bundled examples).")
    List<Path> objects = new ArrayList<>();

    @Option(names = "--disasm", paramLabel = "N", defaultValue = "6", description = "Lines of bytecode and of x86_64 -O2 code to show per program (default: ${DEFAULT-VALUE}; 0: none).")
    int disasmLines;

    private static final int TIMED_RUNS = 51;

    @Override
    public Integer call() throws IOException {
        if (disasmLines < 0) throw new UsageException("--disasm " + disasmLines + ": give a count of lines, 0 or more");
        List<Path> files = objects.isEmpty() ? bundled() : objects;
        PrintStream out = System.out;
        byte[] packet = SamplePackets.http();
        boolean host = NativeEngine.hostSupported();
        out.println("ebpfc demo: " + files.size() + " objects; each program verified, compiled at -O2 for x86_64, arm64 and riscv64,");
        out.println("and run on a " + packet.length + "-byte HTTP packet by the reference interpreter, "
                + (host ? "natively (x86_64 -O2 code) " : "") + "and under emulation (all three ISAs)");
        out.println();
        out.printf("%-14s %5s %-9s %-11s %9s %9s  %-22s %s%n", "program", "insns", "verifier", "result", "interp",
                host ? "native" : "", "-O2 x86_64/arm64/riscv64", "code bytes x86_64 / arm64 / riscv64: -O2 (-O0)");
        InterpreterEngine interp = new InterpreterEngine();
        List<Engine> compiled = new ArrayList<>(List.of(EmulatedEngine.x86_64O2(), EmulatedEngine.arm64O2(), EmulatedEngine.riscv64O2()));
        NativeEngine nativeEngine = host ? new NativeEngine(new X86Target(), CompileOptions.Level.O2) : null;
        List<Target> targets = List.of(new X86Target(), new Arm64Target(), new Riscv64Target());
        boolean allOk = true;
        List<String> listings = new ArrayList<>();
        try {
            for (Path f : files) {
                BpfObject obj = ObjectLoader.load(f);
                for (int i = 0; i < obj.programs().size(); i++) {
                    ProgramDef p = obj.programs().get(i);
                    RuntimeOptions o = RuntimeOptions.linux();
                    ExecutionResult r = interp.run(obj, i, new MapSet(obj.maps()), RunInput.of(packet), o);
                    String result = r.ok() ? "0x" + Long.toHexString(r.r0()) + xdpAction(r.r0()) : r.error().name().toLowerCase();
                    allOk &= r.ok();
                    VerifierResult v = Verifier.verify(p, obj.maps(), RunEnvironment.contextKind(o, p), o.profile(), Mode.STRICT);
                    StringBuilder agree = new StringBuilder();
                    for (Engine e : compiled) agree.append(agree.isEmpty() ? "" : "/").append(same(r, e.run(obj, i, new MapSet(obj.maps()), RunInput.of(packet), o)));
                    String nativeTime = "";
                    if (nativeEngine != null) {
                        String same = same(r, nativeEngine.run(obj, i, new MapSet(obj.maps()), RunInput.of(packet), o));
                        nativeTime = same.equals("same") ? String.format("%6.2f µs", median(nativeEngine, obj, i, packet, o)) : "DIFFERS";
                        if (!same.equals("same")) allOk = false;
                    }
                    allOk &= !agree.toString().contains("DIFFERS");
                    StringBuilder sizes = new StringBuilder();
                    CompileOptions o2 = CompileOptions.O0.withLevel(CompileOptions.Level.O2).withListing(false)
                            .withEnvironment(ProgramEnvironment.of(obj, o.profile(), null));
                    for (Target t : targets) {
                        sizes.append(sizes.isEmpty() ? "" : " / ").append(t.compile(p, o2).codeSize())
                                .append(" (").append(t.compile(p, CompileOptions.O0.withListing(false)).codeSize()).append(')');
                    }
                    out.printf("%-14s %5d %-9s %-11s %6.2f µs %9s  %-22s %s%n", p.name(), p.program().slotCount(),
                            v.accepted() ? "accepted" : "rejected", result, median(interp, obj, i, packet, o), nativeTime, agree, sizes);
                    if (!r.ok()) out.println("  " + r.message());
                    if (!v.accepted()) out.println("  " + v.messages().getFirst());
                    if (disasmLines > 0) listings.add(disassembly(p, targets.getFirst().compile(p, o2.withListing(true))));
                }
            }
        } finally {
            if (nativeEngine != null) nativeEngine.close();
        }
        for (String l : listings) {
            out.println();
            out.print(l);
        }
        out.println();
        out.println("\"same\" = r0, error kind and every memory region equal to the interpreter's; times are medians of "
                + TIMED_RUNS + " runs");
        out.println("(the native time includes copying the packet and maps in and out). `ebpfc compile FILE -O2 --format asm`");
        out.println("shows the code, `ebpfc verify`, `ebpfc ir -O2` the other stages, `ebpfc bench` the comparison with clang -O2.");
        return allOk ? EbpfcCommand.EXIT_OK : EbpfcCommand.EXIT_FAILED;
    }

    private static String same(ExecutionResult expected, ExecutionResult actual) {
        return actual.r0() == expected.r0() && actual.error() == expected.error() && actual.digest().equals(expected.digest()) ? "same" : "DIFFERS";
    }

    /// Median microseconds per run of `engine` on the packet, fresh maps each time.
    private static double median(Engine engine, BpfObject obj, int program, byte[] packet, RuntimeOptions o) {
        return RunCommand.medianNanos(TIMED_RUNS, () -> new MapSet(obj.maps()), m -> engine.run(obj, program, m, RunInput.of(packet), o)) / 1000.0;
    }

    /// The first lines of the program's bytecode and of its x86_64 -O2 code (function 0).
    private String disassembly(ProgramDef p, CompiledProgram x86) {
        StringBuilder sb = new StringBuilder();
        int n = Math.min(disasmLines, p.program().size());
        sb.append(p.name()).append(": first ").append(n).append(" of ").append(p.program().size()).append(" BPF instructions\n");
        for (int i = 0; i < n; i++) sb.append(String.format("%7d: %s%n", p.program().slot(i), LlvmPrinter.print(p.program().get(i))));
        List<String> code = x86.listing().lines().filter(l -> !l.startsWith(";")).toList();
        int from = 0;
        List<String> all = x86.listing().lines().toList();
        for (int k = 0; k < all.size(); k++) {
            if (all.get(k).startsWith("; function 0")) {
                from = (int) all.subList(0, k).stream().filter(l -> !l.startsWith(";")).count();
                break;
            }
        }
        int m = Math.min(disasmLines, code.size() - from);
        sb.append("  x86_64 -O2 code (").append(x86.codeSize()).append(" bytes), function 0 from its prologue:\n");
        for (int k = from; k < from + m; k++) sb.append("  ").append(code.get(k)).append('\n');
        return sb.toString();
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
