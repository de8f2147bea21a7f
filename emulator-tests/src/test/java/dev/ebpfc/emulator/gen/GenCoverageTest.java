package dev.ebpfc.emulator.gen;

import dev.ebpfc.frontend.insn.AluOp;
import dev.ebpfc.frontend.insn.AtomicOp;
import dev.ebpfc.frontend.insn.CallKind;
import dev.ebpfc.frontend.insn.Cond;
import dev.ebpfc.frontend.insn.EndianOp;
import dev.ebpfc.frontend.insn.Imm;
import dev.ebpfc.frontend.insn.Insn;
import dev.ebpfc.frontend.insn.LddwSource;
import dev.ebpfc.frontend.insn.PacketMode;
import dev.ebpfc.frontend.insn.Program;
import dev.ebpfc.frontend.insn.Reg;
import dev.ebpfc.frontend.insn.Size;
import dev.ebpfc.frontend.insn.Width;
import dev.ebpfc.runtime.ExecutionResult;
import dev.ebpfc.runtime.HelperCall;
import dev.ebpfc.runtime.RuntimeOptions;
import dev.ebpfc.runtime.context.RunInput;
import dev.ebpfc.runtime.interp.Interpreter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertTrue;

/// What 2 000 generated programs contain, statically (every instruction record and every
/// operation of each enum, the bias cases by their encoding) and dynamically (the corner cases
/// executed with the operand values that make them corners, found by tracing the interpreter).
class GenCoverageTest {
    private static final int PROGRAMS = 2_000;
    private static final Set<String> seen = new HashSet<>();
    private static final TreeMap<String, Integer> counts = new TreeMap<>();

    @BeforeAll
    static void sample() {
        ProgramGenerator gen = new ProgramGenerator();
        for (long seed = 0; seed < PROGRAMS; seed++) {
            GeneratedProgram g = gen.generate(seed);
            Program p = g.program();
            if (p.size() > 2_000) see("program > 2000 instructions");
            Set<Integer> entries = new HashSet<>();
            entries.add(0);
            for (int i = 0; i < p.size(); i++) {
                Insn insn = p.get(i);
                if (insn instanceof Insn.Call c && c.kind() == CallKind.LOCAL || insn instanceof Insn.LoadImm64 l && l.source() == LddwSource.FUNC) {
                    entries.add(p.branchTarget(i));
                }
            }
            for (int i = 0; i < p.size(); i++) statically(p, i, entries);
            Interpreter interp = new Interpreter(p, RuntimeOptions.conformance().withTracer(new Watch(p)));
            ExecutionResult r = interp.run(RunInput.of(g.mem()));
            for (HelperCall h : r.trace()) {
                see("helper " + h.id() + " executed");
                if (h.id() == 5 && h.args()[0] != 0) see("unwind with nonzero argument");
            }
        }
    }

    private static void see(String what) {
        seen.add(what);
        counts.merge(what, 1, Integer::sum);
    }

    private static void statically(Program p, int i, Set<Integer> entries) {
        Insn insn = p.get(i);
        see(insn.getClass().getSimpleName());
        switch (insn) {
            case Insn.Alu a -> {
                see(a.op().name());
                see("alu " + a.width());
                if (a.src() instanceof Reg r && r == a.dst()) see("dst == src");
                if (a.op().isShift() && a.src() instanceof Imm(int v)) {
                    if (v == 0) see("shift by imm 0");
                    if (v < 0 || v >= a.width().bits()) see("shift by imm >= width " + a.width());
                }
                if (a.op().isShift() && a.src() instanceof Reg) see("shift by register " + a.width());
                if (a.op().isShift() && a.dst() == Reg.R0) see("shift of r0");
                if (a.op().isDivision()) {
                    see((a.src() instanceof Reg ? "division by register " : "division by imm ") + a.width());
                    if (a.src() instanceof Imm(int v) && v == 0) see(a.op() + " by imm 0");
                    if (a.src() instanceof Imm(int v) && v == -1) see(a.op() + " by imm -1");
                    if (a.dst() == Reg.R0 || a.src() == Reg.R0) see("division with r0");
                }
                if (a.src() instanceof Imm(int v)) see("imm " + v);
            }
            case Insn.Jump j -> {
                see(j.cond().name());
                see("jump " + j.width() + (j.src() instanceof Reg ? " reg" : " imm"));
                if (j.offset() < 0) see("backward jump");
                if (entries.contains(p.branchTarget(i))) see("jump to a function's first instruction");
                int distance = Math.abs(j.offset());
                if (distance > 127) see("jump over > 127 instructions");
                if (distance > 1024) see("jump over > 1024 instructions");
                if (distance > 2600) see("jump over > 2600 instructions");
                if (j.src() instanceof Imm(int v)) see("imm " + v);
            }
            case Insn.Goto g -> see(g.wide() ? "gotol" : "ja");
            case Insn.Load l -> {
                see("load " + l.size() + (l.signExtend() ? " signed" : ""));
                if (l.base() == Reg.R10 && l.offset() == -512) see("load at r10-512");
                if (l.base() == Reg.R10 && l.offset() + l.size().bytes == 0) see("load ending at r10-1");
                if (l.base() != Reg.R10 && l.offset() == 0) see("load at offset 0 of a pointer");
            }
            case Insn.Store s -> {
                see("store " + s.size() + (s.value() instanceof Reg ? " reg" : " imm"));
                if (s.base() == Reg.R10 && s.offset() == -512) see("store at r10-512");
                if (s.base() == Reg.R10 && s.offset() == -1 && s.size() == Size.B) see("store byte at r10-1");
                if (s.value() instanceof Reg r) see("store of " + r);
            }
            case Insn.Atomic a -> {
                see(a.op().name());
                see("atomic " + a.size() + (a.fetch() ? " fetch" : ""));
                see("atomic src " + a.src());
                if (a.op() == AtomicOp.CMPXCHG && a.src() == Reg.R0) see("cmpxchg with r0 as src");
            }
            case Insn.Endian e -> {
                see(e.op().name());
                see(e.op() + " " + e.bits());
            }
            case Insn.LoadImm64 l -> {
                see("lddw " + l.source());
                if (l.source() == LddwSource.IMM64 && l.value() == Long.MIN_VALUE) see("lddw INT64_MIN");
            }
            case Insn.LoadPacket lp -> see(lp.mode().name());
            case Insn.Call c -> see(c.kind() == CallKind.HELPER ? "call helper " + c.imm() : "call " + c.kind());
            case Insn.CallIndirect c -> see("callx");
            case Insn.Exit e -> {
            }
        }
        if (insn.slots() == 1 && i > 0 && (p.get(i - 1) instanceof Insn.Call || p.get(i - 1) instanceof Insn.CallIndirect)) see("code after a call");
    }

    /// Records corner cases as they execute, with the operand values at that moment.
    private record Watch(Program p) implements dev.ebpfc.runtime.Tracer {
        @Override
        public void step(int depth, int slot, long[] r) {
            if (slot == 0 && depth == 0 && r[0] != 0) see("restart of the entry function taken");
            if (depth >= 3) see("call depth 3");
            if (!(p.atSlot(slot) instanceof Insn insn)) return;
            switch (insn) {
                case Insn.Alu a -> {
                    long d = r[a.dst().number()];
                    long s = a.src() instanceof Imm(int v) ? v : r[((Reg) a.src()).number()];
                    boolean w32 = a.width() == Width.W32;
                    if (w32 && (d >>> 32) != 0 && !a.op().isMovsx() && a.op() != AluOp.MOV) see("alu32 on a register with upper bits set");
                    if (a.op().isDivision() && (w32 ? (int) s == 0 : s == 0)) see("executed " + a.op() + " " + a.width() + " by 0");
                    if ((a.op() == AluOp.SDIV || a.op() == AluOp.SMOD) && (w32 ? (int) d == Integer.MIN_VALUE && (int) s == -1 : d == Long.MIN_VALUE && s == -1)) {
                        see("executed " + a.op() + " " + a.width() + " INT_MIN by -1");
                    }
                    if (a.op().isShift() && a.src() instanceof Reg && (s < 0 || s >= a.width().bits())) see("executed shift " + a.width() + " by register >= width");
                }
                case Insn.Jump j -> {
                    if (j.width() == Width.W32 && (r[j.dst().number()] >>> 32) != 0) see("executed jmp32 with upper bits set");
                }
                case Insn.Atomic a when a.op() == AtomicOp.CMPXCHG -> see("executed cmpxchg");
                default -> {
                }
            }
        }
    }

    @Test
    void everyInstructionRecordAppears() {
        List<String> missing = new ArrayList<>();
        for (Class<?> c : Insn.class.getPermittedSubclasses()) if (!seen.contains(c.getSimpleName())) missing.add(c.getSimpleName());
        assertTrue(missing.isEmpty(), "never generated: " + missing);
    }

    @Test
    void everyOperationAppears() {
        List<String> missing = new ArrayList<>();
        for (Enum<?> e : AluOp.values()) if (!seen.contains(e.name())) missing.add("AluOp." + e);
        for (Enum<?> e : Cond.values()) if (!seen.contains(e.name())) missing.add("Cond." + e);
        for (Enum<?> e : AtomicOp.values()) if (!seen.contains(e.name())) missing.add("AtomicOp." + e);
        for (Enum<?> e : EndianOp.values()) if (!seen.contains(e.name())) missing.add("EndianOp." + e);
        for (Enum<?> e : PacketMode.values()) if (!seen.contains(e.name())) missing.add("PacketMode." + e);
        for (Size s : Size.values()) {
            for (String k : new String[]{"load " + s, "store " + s + " reg", "store " + s + " imm"}) if (!seen.contains(k)) missing.add(k);
            if (s != Size.DW && !seen.contains("load " + s + " signed")) missing.add("load " + s + " signed");
        }
        for (EndianOp op : EndianOp.values()) for (int bits : new int[]{16, 32, 64}) if (!seen.contains(op + " " + bits)) missing.add(op + " " + bits);
        for (int r = 0; r <= 10; r++) if (!seen.contains("store of r" + r)) missing.add("store of r" + r);
        for (int r = 0; r <= 10; r++) if (!seen.contains("atomic src r" + r)) missing.add("atomic src r" + r);
        assertTrue(missing.isEmpty(), "never generated: " + missing);
    }

    @Test
    void biasCasesAppear() {
        List<String> wanted = new ArrayList<>(List.of(
                "dst == src", "alu W32", "alu W64", "shift by imm 0", "shift by imm >= width W32", "shift by imm >= width W64",
                "shift by register W32", "shift by register W64", "shift of r0", "division with r0",
                "division by imm W32", "division by imm W64", "division by register W32", "division by register W64",
                "DIV by imm 0", "MOD by imm 0", "SDIV by imm -1", "SMOD by imm -1",
                "jump W32 imm", "jump W32 reg", "jump W64 imm", "jump W64 reg", "backward jump",
                "jump to a function's first instruction", "jump over > 127 instructions", "jump over > 1024 instructions",
                "jump over > 2600 instructions", "program > 2000 instructions", "ja", "gotol",
                "load at r10-512", "load ending at r10-1", "store at r10-512", "store byte at r10-1", "load at offset 0 of a pointer",
                "cmpxchg with r0 as src", "atomic W fetch", "atomic DW fetch", "atomic W", "atomic DW",
                "lddw IMM64", "lddw FUNC", "lddw INT64_MIN", "call LOCAL", "callx", "code after a call",
                "call helper 0", "call helper 1", "call helper 2", "call helper 3", "call helper 4", "call helper 5",
                "unwind with nonzero argument", "helper 2 executed", "helper 3 executed", "helper 4 executed", "helper 1 executed",
                "alu32 on a register with upper bits set", "executed jmp32 with upper bits set",
                "executed DIV W32 by 0", "executed DIV W64 by 0", "executed MOD W32 by 0", "executed MOD W64 by 0",
                "executed SDIV W32 INT_MIN by -1", "executed SDIV W64 INT_MIN by -1", "executed SMOD W32 INT_MIN by -1", "executed SMOD W64 INT_MIN by -1",
                "executed shift W32 by register >= width", "executed shift W64 by register >= width", "executed cmpxchg",
                "restart of the entry function taken", "call depth 3"));
        for (int v : new int[]{0, 1, -1, 127, 128, -128, -129, 2047, 2048, -2048, -2049, 32767, 32768, -32768, -32769,
                Integer.MIN_VALUE, Integer.MAX_VALUE, 0x00ff00ff, 0x12345678, 0x7ffff800, 0xfffff7ff}) {
            wanted.add("imm " + v);
        }
        List<String> missing = new ArrayList<>();
        for (String w : wanted) if (!seen.contains(w)) missing.add(w);
        TreeSet<String> report = new TreeSet<>();
        for (String w : wanted) report.add(w + "=" + counts.getOrDefault(w, 0));
        System.out.println("GenCoverageTest over " + PROGRAMS + " programs: " + report);
        assertTrue(missing.isEmpty(), "never generated: " + missing);
    }
}
