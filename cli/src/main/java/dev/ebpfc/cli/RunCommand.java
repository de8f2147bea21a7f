package dev.ebpfc.cli;

import dev.ebpfc.emulator.EmulatedEngine;
import dev.ebpfc.frontend.FrontendException;
import dev.ebpfc.frontend.insn.Insn;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.runtime.Engine;
import dev.ebpfc.runtime.ExecutionResult;
import dev.ebpfc.runtime.HelperCall;
import dev.ebpfc.runtime.RuntimeOptions;
import dev.ebpfc.runtime.context.ContextKind;
import dev.ebpfc.runtime.context.RunInput;
import dev.ebpfc.runtime.helpers.HelperProfile;
import dev.ebpfc.runtime.maps.MapJson;
import dev.ebpfc.runtime.maps.MapSet;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;

/// `ebpfc run FILE`: runs one program and prints r0, how it stopped, what it changed in its maps
/// and what helpers printed. `--trace` shows every executed instruction with the registers;
/// `--repeat N` times the run and reports the median.
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run an eBPF program and show its result, map changes and helper output.",
        footer = {"", "Exit code 1 when the program is rejected or stops with an error.", "", "Examples:",
            "  ebpfc run prog.o --program xdp_prog --packet pkt.bin",
            "  ebpfc run tests/add.data                       the test's -- mem and helper table",
            "  ebpfc run prog.s --mem input.hex --trace",
            "  ebpfc run prog.o --maps maps.json --dump-maps after.json --json",
            "  ebpfc run prog.o --packet pkt.bin --repeat 1000",
            "  ebpfc run prog.o --packet pkt.bin --engine arm64-O2 --count-insns --json"})
final class RunCommand implements Callable<Integer> {
    @Mixin
    Verbosity verbosity;

    @Parameters(paramLabel = "FILE", description = "ELF object, .data test, assembler text or raw bytecode.")
    Path file;

    @Option(names = "--program", paramLabel = "NAME", description = "Which program of the object (default: the first).")
    String program;

    static final class Input {
        @Option(names = "--mem", paramLabel = "HEXFILE", description = "Input memory as hex text (r1 = pointer, r2 = length for raw context).")
        Path mem;

        @Option(names = "--packet", paramLabel = "FILE", description = "Input packet as raw bytes.")
        Path packet;
    }

    @ArgGroup(exclusive = true)
    Input input = new Input();

    @Option(names = "--ctx", paramLabel = "KIND", description = "Context: xdp, skb (tc), socket or raw (default: from the ELF section; raw otherwise).")
    String ctx;

    @Option(names = "--maps", paramLabel = "JSON", description = "Pre-fill maps: {\"map\": {\"<key hex>\": \"<value hex>\"}}.")
    Path maps;

    @Option(names = "--dump-maps", paramLabel = "JSON", description = "Write every map's contents after the run, in the --maps format.")
    Path dumpMaps;

    @Option(names = "--profile", paramLabel = "NAME", description = "Helper numbering: linux or conformance (default: conformance for .data tests, linux otherwise).")
    String profile;

    @Option(names = "--engine", paramLabel = "ENGINE", defaultValue = "interp", description = "Engine (default: ${DEFAULT-VALUE}).")
    String engine;

    @Option(names = "--budget", paramLabel = "N", description = "Instruction budget (default: 10000000).")
    Long budget;

    @Option(names = "--trace", description = "Print every executed instruction with the registers.")
    boolean trace;

    @Option(names = "--repeat", paramLabel = "N", description = "Run N times and report the median time per run.")
    Integer repeat;

    @Option(names = "--count-insns", description = "Count the machine instructions the compiled code executes (emulated engines: x86_64, arm64, riscv64 and their -O2; helpers not counted).")
    boolean countInsns;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        if (repeat != null && repeat < 1) throw new UsageException("--repeat must be at least 1");
        if (budget != null && budget < 1) throw new UsageException("--budget must be at least 1");
        if (repeat != null && trace) throw new UsageException("--trace and --repeat do not go together");
        if (trace && !engine.equals("interp")) throw new UsageException("--trace shows bytecode instructions: only the interp engine traces");
        InputFile in = InputFile.read(file, null, null);
        ProgramDef def = in.programs(program).getFirst();
        int index = in.object().programs().indexOf(def);
        RuntimeOptions options = options(in);
        byte[] bytes = inputBytes(in);
        Engine e = Engines.byName(engine);
        if (countInsns) {
            if (!(e instanceof EmulatedEngine emulated)) {
                throw new UsageException("--count-insns counts machine instructions under emulation: use x86_64, arm64 or riscv64 (or their -O2), not " + engine);
            }
            emulated.countingInstructions();
        }
        PrintStream out = System.out;

        String mapsJson = maps == null ? null : Files.readString(maps);
        MapSet mapSet = freshMaps(in, mapsJson);
        String before = MapJson.write(mapSet);
        if (trace) options = options.withTracer(new TracePrinter(out, def));
        ExecutionResult r = e.run(in.object(), index, mapSet, RunInput.of(bytes), options);
        long machineInsns = countInsns ? ((EmulatedEngine) e).instructionCount() : -1;
        String after = MapJson.write(mapSet);
        if (dumpMaps != null) {
            Outputs.refuseToOverwriteInput(file, dumpMaps);
            Outputs.write(dumpMaps, after.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        double medianNs = Double.NaN;
        if (repeat != null) {
            RuntimeOptions o = options;
            medianNs = medianNanos(repeat, () -> freshMaps(in, mapsJson), m -> e.run(in.object(), index, m, RunInput.of(bytes), o));
        }

        if (json) {
            Json.Writer w = new Json.Writer().object()
                    .field("program", def.name()).field("engine", e.name())
                    .field("r0", "0x" + Long.toHexString(r.r0()))
                    .field("error", r.error().name().toLowerCase()).field("message", r.message())
                    .field("executed", r.executed());
            if (repeat != null) w.field("repeat", repeat).field("median_ns", medianNs);
            if (countInsns) w.field("machine_instructions", machineInsns);
            w.key("helper_calls").array();
            for (HelperCall c : r.trace()) {
                w.object().field("id", c.id()).key("args").array();
                for (long a : c.args()) w.string("0x" + Long.toHexString(a));
                w.end().field("result", "0x" + Long.toHexString(c.result())).end();
            }
            w.end().field("printk", r.printk()).key("maps").array();
            for (String change : MapDiff.changes(before, after)) w.string(change);
            w.end().end();
            out.println(w);
        } else {
            out.println("r0 = 0x" + Long.toHexString(r.r0()) + " (" + r.r0() + ")");
            if (!r.ok()) out.println("error: " + r.error().name().toLowerCase() + ": " + r.message());
            // Compiled engines do not count BPF instructions (executed = -1).
            out.println((r.executed() >= 0 ? "executed " + r.executed() + " instructions, " : "") + r.trace().size() + " helper calls");
            if (!r.printk().isEmpty()) {
                out.println("trace_printk:");
                r.printk().lines().forEach(l -> out.println("  " + l));
            }
            List<String> changes = MapDiff.changes(before, after);
            if (!changes.isEmpty()) {
                out.println("map changes:");
                changes.forEach(c -> out.println("  " + c));
            }
            if (countInsns) out.println("executed " + machineInsns + " machine instructions (" + e.name() + ", compiled code only)");
            if (repeat != null) out.printf("median %.0f ns per run over %d runs (%s)%n", medianNs, repeat, e.name());
        }
        return r.ok() ? EbpfcCommand.EXIT_OK : EbpfcCommand.EXIT_FAILED;
    }

    /// The median wall time of `runs` calls of `run`, in nanoseconds, each on fresh maps from
    /// `maps` (made before the clock starts).
    static long medianNanos(int runs, java.util.function.Supplier<MapSet> maps, java.util.function.Consumer<MapSet> run) {
        long[] times = new long[runs];
        for (int i = 0; i < runs; i++) {
            MapSet m = maps.get();
            long t0 = System.nanoTime();
            run.accept(m);
            times[i] = System.nanoTime() - t0;
        }
        Arrays.sort(times);
        return times[runs / 2];
    }

    static HelperProfile profileNamed(String name) {
        return switch (name) {
            case "linux" -> HelperProfile.LINUX;
            case "conformance" -> HelperProfile.CONFORMANCE;
            default -> throw new UsageException("unknown helper profile '" + name + "' (linux, conformance)");
        };
    }

    static ContextKind contextNamed(String name) {
        return switch (name) {
            case "xdp" -> ContextKind.XDP;
            case "skb", "tc" -> ContextKind.TC;
            case "socket" -> ContextKind.SOCKET_FILTER;
            case "raw" -> ContextKind.RAW;
            default -> throw new UsageException("unknown context '" + name + "' (xdp, skb, socket, raw)");
        };
    }

    private RuntimeOptions options(InputFile in) {
        boolean data = in.kind() == InputFile.Kind.data;
        RuntimeOptions o = data ? RuntimeOptions.conformance() : RuntimeOptions.linux();
        if (profile != null) {
            o = new RuntimeOptions(profileNamed(profile), o.context(), o.budget(), o.helpers(), o.staticCheck());
        }
        if (ctx != null) {
            o = o.withContext(contextNamed(ctx));
        } else if (in.kind() != InputFile.Kind.elf) {
            o = o.withContext(ContextKind.RAW);
        }
        if (budget != null) o = o.withBudget(budget);
        return o;
    }

    private byte[] inputBytes(InputFile in) throws IOException {
        if (input.packet != null) return Files.readAllBytes(input.packet);
        if (input.mem != null) {
            String hex = Files.readString(input.mem).replaceAll("#[^\n]*", "").replaceAll("\\s+", "");
            try {
                return HexFormat.of().parseHex(hex);
            } catch (IllegalArgumentException e) {
                throw new FrontendException(input.mem + ": not hex bytes (" + e.getMessage() + ")");
            }
        }
        if (in.data() != null && in.data().mem() != null) return in.data().mem();
        return new byte[0];
    }

    /// The object's maps, filled from the `--maps` file's text `json` (read once) when given.
    private MapSet freshMaps(InputFile in, String json) {
        MapSet m = new MapSet(in.object().maps());
        if (json != null) {
            try {
                MapJson.read(json, m);
            } catch (IllegalArgumentException e) {
                throw new FrontendException(maps + ": " + e.getMessage());
            }
        }
        return m;
    }

    /// Prints one line per executed instruction: depth, slot, the instruction, then r0–r10.
    private static final class TracePrinter implements dev.ebpfc.runtime.Tracer {
        private final PrintStream out;
        private final ProgramDef def;

        TracePrinter(PrintStream out, ProgramDef def) {
            this.out = out;
            this.def = def;
        }

        @Override
        public void step(int depth, int slot, long[] r) {
            Insn insn = def.program().atSlot(slot);
            StringBuilder sb = new StringBuilder();
            sb.append("  ".repeat(depth)).append(String.format("%4d: %-32s", slot, Objects.toString(insn, "?")));
            for (int i = 0; i <= 10; i++) {
                if (r[i] != 0) sb.append(" r").append(i).append("=0x").append(Long.toHexString(r[i]));
            }
            out.println(sb);
        }
    }

    /// Map changes as lines `map key: old -> new`, from two [MapJson] dumps.
    static final class MapDiff {
        static List<String> changes(String before, String after) {
            Map<String, Map<String, String>> b = MapJson.parse(before), a = MapJson.parse(after);
            java.util.ArrayList<String> out = new java.util.ArrayList<>();
            for (var m : a.entrySet()) {
                Map<String, String> old = b.getOrDefault(m.getKey(), Map.of());
                for (var e : m.getValue().entrySet()) {
                    String was = old.get(e.getKey());
                    if (!e.getValue().equals(was)) {
                        out.add(m.getKey() + " " + e.getKey() + ": " + (was == null ? "(new)" : was) + " -> " + e.getValue());
                    }
                }
                for (var e : old.entrySet()) {
                    if (!m.getValue().containsKey(e.getKey())) out.add(m.getKey() + " " + e.getKey() + ": " + e.getValue() + " -> (deleted)");
                }
            }
            return out;
        }
    }
}
