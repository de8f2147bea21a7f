package dev.ebpfc.emulator.aot;

import dev.ebpfc.backend.CompileOptions;
import dev.ebpfc.backend.CompiledProgram;
import dev.ebpfc.backend.PoolEntry;
import dev.ebpfc.backend.RuntimeEntry;
import dev.ebpfc.backend.elf.ElfObjectWriter;
import dev.ebpfc.backend.nativeexec.NativeEngine;
import dev.ebpfc.backend.riscv64.Riscv64Features;
import dev.ebpfc.frontend.object.MapDef;
import dev.ebpfc.frontend.object.MapType;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.runtime.ErrorKind;
import dev.ebpfc.runtime.ExecutionResult;
import dev.ebpfc.runtime.RegionSnapshot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/// The ahead-of-time pipeline of one target in a scratch folder, shared by every AOT test so
/// the three targets differ only in their [AotToolchain]: compile a program at -O0 with frame
/// stride 512 (docs/aot-abi.md), write the ELF object, link it with examples/aot/host.c, run the
/// executable on an input, and spell out what the interpreter's result says the host must print
/// (r0, every map in key order, the packet or memory after the run).
final class AotHost {
    /// Helpers examples/aot/host.c implements (Linux numbering).
    static final Set<Integer> HOST_HELPERS = Set.of(1, 2, 3, 5, 7);

    private final AotToolchain toolchain;
    private final Set<String> features;
    private final Path dir;
    private final Path hostSource = root().resolve("examples/aot");
    /// host.c compiled once per program symbol (the symbol is a macro of host.c).
    private final Map<String, Path> hostObjects = new HashMap<>();
    private int objects;

    AotHost(AotToolchain toolchain, Set<String> features, Path dir) throws IOException, InterruptedException {
        this.toolchain = toolchain;
        this.features = Set.copyOf(features);
        this.dir = dir;
        requireTool(List.of(toolchain.cc, "--version"), toolchain.ccPackage);
        if (toolchain.emulator() != null) requireTool(List.of(toolchain.emulator(), "--version"), toolchain.emulatorPackage);
    }

    static Path root() {
        return Path.of(System.getProperty("ebpfc.root", ".."));
    }

    /// What the test names this configuration: `riscv64+zba,zbb`.
    String label() {
        return toolchain.name().toLowerCase() + (features.isEmpty() ? "" : "+" + String.join(",", features.stream().sorted().toList()));
    }

    CompiledProgram compile(ProgramDef program) {
        CompileOptions options = new CompileOptions(CompileOptions.Level.O0, NativeEngine.FRAME_STRIDE).withFeatures(features).withListing(false);
        return toolchain.target().compile(program, options);
    }

    /// Whether every helper `code` calls is one examples/aot/host.c provides (with Linux numbering).
    static boolean callsOnlyHostHelpers(CompiledProgram code) {
        return code.pool().stream().allMatch(e -> !(e instanceof PoolEntry.Helper h) || HOST_HELPERS.contains(h.id()));
    }

    /// Whether `code` calls any helper, directly or through `callx`.
    static boolean callsHelpers(CompiledProgram code) {
        return code.pool().stream().anyMatch(e -> e instanceof PoolEntry.Helper
                || e instanceof PoolEntry.Runtime(RuntimeEntry r) && (r == RuntimeEntry.HELPER_BY_ID || r == RuntimeEntry.RESOLVE_CALLX));
    }

    /// The object of `code` (function symbol `name`) linked with the host: the executable's path.
    Path link(CompiledProgram code, String name, List<MapDef> maps) throws IOException, InterruptedException {
        String symbol = ElfObjectWriter.cName(name);
        Path obj = dir.resolve(symbol + "-" + objects++ + ".o");
        String arch = toolchain == AotToolchain.RISCV64 ? Riscv64Features.named(features).arch() : null;
        Files.write(obj, ElfObjectWriter.write(code, name, maps, toolchain.machine, arch));
        Path host = hostObjects.get(symbol);
        if (host == null) {
            host = dir.resolve("host-" + symbol + ".o");
            run(List.of(toolchain.cc, "-O1", "-c", "-DPROG=" + symbol, "-I" + hostSource, "-o", host.toString(),
                    hostSource.resolve("host.c").toString()));
            hostObjects.put(symbol, host);
        }
        Path exe = dir.resolve(obj.getFileName().toString().replace(".o", ".exe"));
        List<String> command = new ArrayList<>(List.of(toolchain.cc));
        command.addAll(toolchain.linkFlags);
        command.addAll(List.of("-no-pie", "-o", exe.toString(), host.toString(), obj.toString()));
        run(command);
        return exe;
    }

    /// Runs the executable on `input` (an XDP packet, or with `raw` the memory r1 points to).
    String run(Path exe, byte[] input, boolean raw) throws IOException, InterruptedException {
        Path in = dir.resolve("input.bin");
        Files.write(in, input);
        List<String> command = new ArrayList<>(toolchain.runner(features));
        command.add(exe.toString());
        if (raw) command.add("--raw");
        command.add(in.toString());
        return run(command);
    }

    /// What the host prints for the interpreter's result `want` on a program with `maps`: r0
    /// (0 and "(error)" when the run stopped with an error the code reports through
    /// `ebpfc_runtime_error`), each map's snapshot for the map kinds the host implements (others
    /// print empty), then the packet (XDP) or memory (`raw`) after the run.
    static String expected(ExecutionResult want, List<MapDef> maps, boolean raw) {
        boolean stopped = want.error() != ErrorKind.NONE && want.error() != ErrorKind.UNWIND;
        StringBuilder sb = new StringBuilder("r0=0x" + Long.toHexString(stopped ? 0 : want.r0()) + (stopped ? " (error)" : "") + "\n");
        for (MapDef m : maps) {
            boolean dumped = m.type() == MapType.ARRAY || m.type() == MapType.PERCPU_ARRAY || m.type() == MapType.HASH
                    || m.type() == MapType.PERCPU_HASH || m.type() == MapType.LRU_HASH || m.type() == MapType.LRU_PERCPU_HASH;
            RegionSnapshot s = want.region("map " + m.name());
            sb.append("map ").append(m.name()).append(": ").append(dumped && s != null ? HexFormat.of().formatHex(s.bytes()) : "").append('\n');
        }
        RegionSnapshot bytes = want.region(raw ? "mem" : "packet");
        sb.append(raw ? "mem: " : "packet: ").append(bytes == null ? "" : HexFormat.of().formatHex(bytes.bytes())).append('\n');
        return sb.toString();
    }

    private static void requireTool(List<String> command, String debianPackage) throws IOException, InterruptedException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor(60, TimeUnit.SECONDS);
        } catch (IOException e) {
            fail(command.getFirst() + " not found: the AOT tests need it (apt-get install " + debianPackage + "; ./check installs it as root)");
        }
    }

    /// Runs a command, failing with its output when it fails or runs for more than two minutes
    /// (output goes through a file, so a program that loops forever cannot block the read).
    static String run(List<String> command) throws IOException, InterruptedException {
        Path log = Files.createTempFile("ebpfc-aot", ".log");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                fail(String.join(" ", command) + " timed out");
            }
            String out = Files.readString(log, StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), String.join(" ", command) + " failed:\n" + out);
            return out;
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
