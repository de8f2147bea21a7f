package dev.ebpfc.cli;

import dev.ebpfc.frontend.asm.LlvmPrinter;
import dev.ebpfc.frontend.elf.ObjectLoader;
import dev.ebpfc.frontend.object.BpfObject;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.runtime.ExecutionResult;
import dev.ebpfc.runtime.RuntimeOptions;
import dev.ebpfc.runtime.context.RunInput;
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
/// suite's clang-built XDP objects), loads them, checks them, runs each on a sample HTTP packet
/// with the reference interpreter and prints a table, then the start of one disassembly. It grows
/// with the compiler: code generation for x86_64, ARM64 and RISC-V64 joins the table as the
/// backends land.
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
        byte[] packet = SamplePacket.http();
        out.println("ebpfc demo: " + files.size() + " programs, each run by the reference interpreter on a "
                + packet.length + "-byte HTTP packet");
        out.println();
        out.printf("%-16s %6s %5s %-13s %9s %11s%n", "program", "insns", "maps", "result", "executed", "time/run");
        InterpreterEngine engine = new InterpreterEngine();
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
                out.printf("%-16s %6d %5d %-13s %9d %8.1f µs%n", p.name(), p.program().slotCount(), obj.maps().size(),
                        result, r.executed(), times[times.length / 2] / 1000.0);
                if (!r.ok()) out.println("  " + r.message());
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
        out.println("Native code generation (x86_64, arm64, riscv64) joins this table as the backends land; see README.");
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
