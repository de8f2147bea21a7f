package dev.ebpfc.backend.x86_64.nativeexec;

import dev.ebpfc.backend.nativeexec.HostMemory;
import dev.ebpfc.backend.CompileOptions;
import dev.ebpfc.backend.nativeexec.NativeEngine;
import dev.ebpfc.runtime.helpers.InlinedLookups;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import dev.ebpfc.backend.x86_64.X86Target;
import dev.ebpfc.frontend.data.DataFile;
import dev.ebpfc.frontend.data.DataFileReader;
import dev.ebpfc.frontend.elf.ObjectLoader;
import dev.ebpfc.frontend.insn.Insn;
import dev.ebpfc.frontend.insn.Program;
import dev.ebpfc.frontend.object.BpfObject;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.runtime.ErrorKind;
import dev.ebpfc.runtime.ExecutionResult;
import dev.ebpfc.runtime.RuntimeOptions;
import dev.ebpfc.runtime.context.RunInput;
import dev.ebpfc.runtime.helpers.Loop;
import dev.ebpfc.runtime.conformance.ConformanceRunner;
import dev.ebpfc.runtime.interp.InterpreterEngine;
import dev.ebpfc.runtime.maps.MapSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// The interpreter and native x86_64 code, at -O0 and at -O2, must leave the same state: r0, error kind and slot,
/// every region snapshot (context, packet or mem, every map), the helper-call trace and the side
/// channels, on every conformance program, every ELF fixture's programs on four packets (and
/// twice in a row on one map set, so state carried between runs counts) and the bench programs.
/// Runs where the interpreter stops the program at one of its own loads or stores
/// (OUT_OF_BOUNDS outside a call) or runs out of budget are not run natively: native code does
/// not check them (see NativeEngine, "Trust"); they are counted and must stay a minority. At -O2
/// the array-map lookups helper inlining removes are dropped from both traces ([InlinedLookups]).
class NativeDifferentialTest {
    /// Programs that use pointers as numbers, so r0 and memory hold real addresses natively
    /// (documented in NativeEngine): only the error kind and the helper-call trace are compared.
    /// None today: the fixtures are all verifier-valid programs, which cannot leak pointers.
    static final java.util.Map<String, String> POINTER_LEAKS = java.util.Map.of();

    static NativeEngine engine;
    static final java.util.Map<CompileOptions.Level, NativeEngine> ENGINES = new java.util.EnumMap<>(CompileOptions.Level.class);
    private final InterpreterEngine interp = new InterpreterEngine();
    private final List<String> divergences = new ArrayList<>();
    private int runs, skipped;

    @BeforeAll
    static void open() {
        for (CompileOptions.Level level : CompileOptions.Level.values()) ENGINES.put(level, new NativeEngine(new X86Target(), level));
        engine = ENGINES.get(CompileOptions.Level.O0);
    }

    @AfterAll
    static void close() {
        ENGINES.values().forEach(NativeEngine::close);
    }

    /// Whether the interpreter's result is one native code cannot reproduce safely.
    static boolean unsafeNatively(BpfObject object, int program, ExecutionResult r) {
        if (r.error() == ErrorKind.BUDGET_EXHAUSTED) return true;
        if (r.error() != ErrorKind.OUT_OF_BOUNDS) return false;
        Program p = object.programs().get(program).program();
        int i = r.slot() < 0 ? -1 : p.indexAtSlot(r.slot());
        return i < 0 || !(p.get(i) instanceof Insn.Call || p.get(i) instanceof Insn.CallIndirect);
    }

    private void compare(CompileOptions.Level level, String what, BpfObject object, int program, List<byte[]> inputs, RuntimeOptions options) {
        NativeEngine engine = ENGINES.get(level);
        MapSet im = new MapSet(object.maps()), nm = new MapSet(object.maps());
        for (byte[] input : inputs) {
            ExecutionResult a = interp.run(object, program, im, RunInput.of(input), options);
            if (unsafeNatively(object, program, a)) {
                skipped++;
                return;
            }
            ExecutionResult b = engine.run(object, program, nm, RunInput.of(input), options);
            // bpf_loop runs on the interpreters only; native code stops at the call (docs/runtime.md).
            if (Loop.stoppedWithoutCallbacks(b)) {
                skipped++;
                return;
            }
            runs++;
            if (level == CompileOptions.Level.O2) {
                a = InlinedLookups.drop(a, im, options);
                b = InlinedLookups.drop(b, nm, options);
            }
            List<String> d = differences(a, b);
            if (POINTER_LEAKS.containsKey(what)) d = d.stream().filter(x -> x.startsWith("error") || x.startsWith("trace")).toList();
            if (!d.isEmpty()) divergences.add(what + " (-" + level + "):\n  " + String.join("\n  ", d));
        }
    }

    static List<String> differences(ExecutionResult a, ExecutionResult b) {
        List<String> out = new ArrayList<>();
        if (a.r0() != b.r0()) out.add("r0: interp 0x" + Long.toHexString(a.r0()) + ", native 0x" + Long.toHexString(b.r0()));
        if (a.error() != b.error()) out.add("error: interp " + a.error() + " (" + a.message() + "), native " + b.error() + " (" + b.message() + ")");
        if (a.slot() != b.slot()) out.add("slot: interp " + a.slot() + ", native " + b.slot());
        if (!a.regions().equals(b.regions())) {
            for (int i = 0; i < Math.max(a.regions().size(), b.regions().size()); i++) {
                var x = i < a.regions().size() ? a.regions().get(i) : null;
                var y = i < b.regions().size() ? b.regions().get(i) : null;
                if (!Objects.equals(x, y)) {
                    out.add("region " + (x != null ? x.name() : y.name()) + " differs at byte "
                            + (x != null && y != null ? Arrays.mismatch(x.bytes(), y.bytes()) : -1));
                }
            }
        }
        if (!a.trace().equals(b.trace())) out.add("trace: interp " + a.trace() + "\n  native " + b.trace());
        if (!a.printk().equals(b.printk())) out.add("printk: interp \"" + a.printk() + "\", native \"" + b.printk() + "\"");
        if (a.perfEvents().size() != b.perfEvents().size()
                || !Arrays.deepEquals(a.perfEvents().toArray(), b.perfEvents().toArray())) out.add("perf events differ");
        if (!Arrays.deepEquals(a.ringbufRecords().toArray(), b.ringbufRecords().toArray())) out.add("ring buffer records differ");
        return out;
    }

    private void assertNoDivergence(int minimumRuns) {
        assertTrue(runs >= minimumRuns, "only " + runs + " runs (" + skipped + " skipped)");
        assertTrue(skipped * 4 <= runs, skipped + " skipped of " + runs);
        assertEquals("", String.join("\n", divergences), divergences.size() + " of " + runs + " runs diverge");
        System.out.println(getClass().getSimpleName() + ": " + runs + " runs, whole states equal (" + skipped + " not run natively)");
    }

    @ParameterizedTest
    @EnumSource(CompileOptions.Level.class)
    void conformancePrograms(CompileOptions.Level level) {
        for (Path f : ConformanceRunner.collect(List.of(NativeConformanceTest.suite().resolve("tests")))) {
            DataFile data = DataFileReader.read(f);
            BpfObject object = new BpfObject(f.toString(), List.of(ProgramDef.of(f.getFileName().toString(), data.program())), List.of(), "");
            byte[] mem = data.mem();
            compare(level, f.getFileName().toString(), object, 0, List.<byte[]>of(mem == null ? new byte[0] : mem), RuntimeOptions.conformance());
        }
        assertNoDivergence(313);
    }

    @ParameterizedTest
    @EnumSource(CompileOptions.Level.class)
    void elfFixturesOnSeveralPackets(CompileOptions.Level level) throws IOException {
        List<byte[]> packets = List.of(Packets.http(), Arrays.copyOf(Packets.http(), 20), Packets.random(64), new byte[0], Packets.http());
        int objects = 0;
        for (Path f : objects(Packets.root().resolve("frontend/src/test/resources/fixtures"))) {
            BpfObject object = ObjectLoader.load(f);
            objects++;
            for (int p = 0; p < object.programs().size(); p++) {
                compare(level, f.getFileName() + " " + object.programs().get(p).name(), object, p, packets, RuntimeOptions.linux());
            }
        }
        assertTrue(objects >= 20, objects + " fixtures");
        assertNoDivergence(100);
    }

    @ParameterizedTest
    @EnumSource(CompileOptions.Level.class)
    void benchProgramsOnTheSampleHttpPacket(CompileOptions.Level level) throws IOException {
        for (Path f : objects(Packets.root().resolve("bench/programs/obj"))) {
            BpfObject object = ObjectLoader.load(f);
            for (int p = 0; p < object.programs().size(); p++) {
                compare(level, f.getFileName() + " " + object.programs().get(p).name(), object, p, List.of(Packets.http(), Packets.http()), RuntimeOptions.linux());
            }
        }
        assertNoDivergence(22);
    }

    /// W^X from the outside: the loaded code's mapping is r-x in /proc/self/maps, and asking for
    /// writable and executable pages fails before the system call.
    @Test
    void codeIsNeverWritableAndExecutable() throws IOException {
        BpfObject object = ObjectLoader.load(Packets.root().resolve("bench/programs/obj/fnv1a.o"));
        engine.run(object, 0, new MapSet(object.maps()), RunInput.of(Packets.http()), RuntimeOptions.linux());
        long code = engine.codeAddress(object, 0, RuntimeOptions.linux());
        assertTrue(code != 0);
        String perms = HostMemory.permissionsAt(code);
        assertNotNull(perms);
        assertEquals("r-x", perms.substring(0, 3), "code mapping " + perms);
        for (int prot : new int[]{HostMemory.PROT_WRITE | HostMemory.PROT_EXEC, HostMemory.PROT_READ | HostMemory.PROT_WRITE | HostMemory.PROT_EXEC}) {
            AssertionError e = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, () -> HostMemory.map(4096, prot, false));
            assertTrue(e.getMessage().contains("W^X"), e.getMessage());
        }
    }

    static List<Path> objects(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".o")).sorted().toList();
        }
    }
}
