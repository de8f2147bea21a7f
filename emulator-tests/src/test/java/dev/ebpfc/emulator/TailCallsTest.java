package dev.ebpfc.emulator;

import dev.ebpfc.backend.CompileOptions;
import dev.ebpfc.backend.nativeexec.NativeEngine;
import dev.ebpfc.backend.x86_64.X86Target;
import dev.ebpfc.emulator.diff.ResultDiff;
import dev.ebpfc.frontend.insn.AluOp;
import dev.ebpfc.frontend.insn.CallKind;
import dev.ebpfc.frontend.insn.Imm;
import dev.ebpfc.frontend.insn.Insn;
import dev.ebpfc.frontend.insn.LddwSource;
import dev.ebpfc.frontend.insn.Program;
import dev.ebpfc.frontend.insn.Reg;
import dev.ebpfc.frontend.insn.Size;
import dev.ebpfc.frontend.insn.Width;
import dev.ebpfc.frontend.object.BpfObject;
import dev.ebpfc.frontend.object.MapDef;
import dev.ebpfc.frontend.object.MapType;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.runtime.Engine;
import dev.ebpfc.runtime.ErrorKind;
import dev.ebpfc.runtime.ExecutionResult;
import dev.ebpfc.runtime.RuntimeOptions;
import dev.ebpfc.runtime.context.RunInput;
import dev.ebpfc.runtime.interp.InterpreterEngine;
import dev.ebpfc.runtime.maps.MapSet;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// `bpf_tail_call` in the compiled engines (every ISA, -O0 and -O2, emulated and native) against the interpreter: a
/// taken tail call replaces the program, a missing one returns to the caller, a program that
/// tail-calls itself stops after 33 (counting in a global), and a tail call into a program the
/// static check refuses fails like the interpreter's. Tail calls from a BPF-to-BPF callee are
/// not compiled: the engines stop those with UNSUPPORTED, which this test pins.
class TailCallsTest {
    private static final byte[] PACKET = TestInputs.httpPacket();
    private final Engine interp = new InterpreterEngine();
    private final List<Engine> engines = engines();

    /// Every emulated engine, and native x86_64 code at both levels where the host runs it.
    private static List<Engine> engines() {
        List<Engine> all = new ArrayList<>(List.of(EmulatedEngine.x86_64(), EmulatedEngine.arm64(), EmulatedEngine.riscv64(),
                EmulatedEngine.x86_64O2(), EmulatedEngine.arm64O2(), EmulatedEngine.riscv64O2()));
        if (NativeEngine.hostSupported()) {
            all.add(new NativeEngine(new X86Target(), CompileOptions.Level.O0));
            all.add(new NativeEngine(new X86Target(), CompileOptions.Level.O2));
        }
        return all;
    }

    private static Insn mov(int dst, long imm) {
        return new Insn.Alu(Width.W64, AluOp.MOV, Reg.of(dst), new Imm((int) imm));
    }

    private static Insn movr(int dst, int src) {
        return new Insn.Alu(Width.W64, AluOp.MOV, Reg.of(dst), Reg.of(src));
    }

    /// r6 = ctx; r1 = ctx; r2 = map 0; r3 = index; tail call; r0 = 100; exit.
    private static List<Insn> tailCaller(int index) {
        return List.of(movr(6, 1), new Insn.LoadImm64(Reg.R2, LddwSource.MAP_IDX, 0, 0), mov(3, index),
                new Insn.Call(CallKind.HELPER, 12, (short) 0), mov(0, 100), new Insn.Exit());
    }

    private static ProgramDef xdp(String name, List<Insn> insns) {
        return new ProgramDef(name, "xdp", new Program(insns), List.of(new ProgramDef.Function(name, 0)), List.of());
    }

    private static byte[] u32(int v) {
        return new byte[]{(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }

    private void agree(BpfObject object, Consumer<MapSet> fill, String what, List<String> divergences) {
        MapSet m = new MapSet(object.maps());
        fill.accept(m);
        ExecutionResult expected = interp.run(object, 0, m, RunInput.of(PACKET), RuntimeOptions.linux());
        for (Engine e : engines) {
            MapSet n = new MapSet(object.maps());
            fill.accept(n);
            ExecutionResult actual = e.run(object, 0, n, RunInput.of(PACKET), RuntimeOptions.linux());
            String diff = ResultDiff.describe("interp", expected, e.name(), actual);
            if (!diff.isEmpty()) divergences.add(what + " on " + e.name() + ":\n  " + diff.strip().replace("\n", "\n  "));
        }
    }

    @Test
    void takenMissingAndLimitedTailCallsMatchTheInterpreter() {
        List<String> divergences = new ArrayList<>();
        MapDef jmp = MapDef.map("jmp", MapType.PROG_ARRAY, 4, 4, 4, 0);
        BpfObject hit = new BpfObject("tail", List.of(xdp("main", tailCaller(1)), xdp("target", List.of(mov(0, 42), new Insn.Exit()))),
                List.of(jmp), "GPL");
        agree(hit, m -> m.put("jmp", u32(1), u32(1)), "taken tail call", divergences);
        BpfObject miss = new BpfObject("tail", List.of(xdp("main", tailCaller(2)), xdp("target", List.of(mov(0, 42), new Insn.Exit()))),
                List.of(jmp), "GPL");
        agree(miss, m -> m.put("jmp", u32(1), u32(1)), "missing entry", divergences);

        // The program tail-calls itself, counting in a global: 33 tail calls, then the call fails.
        List<Insn> self = List.of(movr(6, 1), new Insn.LoadImm64(Reg.R7, LddwSource.MAP_IDX_VALUE, 1, 0),
                new Insn.Load(Size.DW, false, Reg.R8, Reg.R7, (short) 0), new Insn.Alu(Width.W64, AluOp.ADD, Reg.R8, new Imm(1)),
                new Insn.Store(Size.DW, Reg.R7, (short) 0, Reg.R8), movr(1, 6), new Insn.LoadImm64(Reg.R2, LddwSource.MAP_IDX, 0, 0),
                mov(3, 0), new Insn.Call(CallKind.HELPER, 12, (short) 0), movr(0, 8), new Insn.Exit());
        BpfObject loop = new BpfObject("tail", List.of(xdp("self", self)),
                List.of(MapDef.map("jmp", MapType.PROG_ARRAY, 4, 4, 1, 0), MapDef.globalData(".bss", new byte[8], false)), "GPL");
        agree(loop, m -> m.put("jmp", u32(0), u32(0)), "33 self tail calls", divergences);
        assertEquals("", String.join("\n", divergences), divergences.size() + " divergences");

        MapSet m = new MapSet(loop.maps());
        m.put("jmp", u32(0), u32(0));
        ExecutionResult r = engines.getFirst().run(loop, 0, m, RunInput.of(PACKET), RuntimeOptions.linux());
        assertEquals(34, r.r0(), "the counter after 33 tail calls and the failing 34th");
    }

    @Test
    void tailCallsFromACalleeAreRefusedAsUnsupported() {
        // main: call sub; exit. sub (slot 2): tail call to program 1.
        List<Insn> insns = new ArrayList<>(List.of(new Insn.Call(CallKind.LOCAL, 1, (short) 0), new Insn.Exit()));
        insns.addAll(tailCaller(1));
        ProgramDef main = new ProgramDef("main", "xdp", new Program(insns),
                List.of(new ProgramDef.Function("main", 0), new ProgramDef.Function("sub", 2)), List.of());
        BpfObject object = new BpfObject("tail", List.of(main, xdp("target", List.of(mov(0, 42), new Insn.Exit()))),
                List.of(MapDef.map("jmp", MapType.PROG_ARRAY, 4, 4, 4, 0)), "GPL");
        for (Engine e : engines) {
            MapSet m = new MapSet(object.maps());
            m.put("jmp", u32(1), u32(1));
            ExecutionResult r = e.run(object, 0, m, RunInput.of(PACKET), RuntimeOptions.linux());
            assertEquals(ErrorKind.UNSUPPORTED, r.error(), e.name() + ": " + r.message());
            assertTrue(r.message().contains("BPF-to-BPF callee"), e.name() + ": " + r.message());
        }
    }
}
