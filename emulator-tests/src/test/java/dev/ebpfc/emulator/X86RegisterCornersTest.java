package dev.ebpfc.emulator;

import dev.ebpfc.emulator.diff.ResultDiff;

import dev.ebpfc.frontend.insn.AluOp;
import dev.ebpfc.frontend.insn.AtomicOp;
import dev.ebpfc.frontend.insn.CallKind;
import dev.ebpfc.frontend.insn.Cond;
import dev.ebpfc.frontend.insn.EndianOp;
import dev.ebpfc.frontend.insn.Imm;
import dev.ebpfc.frontend.insn.Insn;
import dev.ebpfc.frontend.insn.LddwSource;
import dev.ebpfc.frontend.insn.Operand;
import dev.ebpfc.frontend.insn.PacketMode;
import dev.ebpfc.frontend.insn.Program;
import dev.ebpfc.frontend.insn.Reg;
import dev.ebpfc.frontend.insn.Size;
import dev.ebpfc.frontend.insn.Width;
import dev.ebpfc.frontend.object.BpfObject;
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

import static org.junit.jupiter.api.Assertions.assertEquals;

/// The corners of the x86 register map, against the interpreter: every division, modulo, shift
/// and multiplication with every pair of destination r0–r9 and source r0–r10 (rax/rdx are
/// division's implicit operands, rcx the shift count, r9–r11 the lowering's scratch registers next
/// to them), every atomic with every base and source among r0–r9 (cmpxchg both matching and not),
/// `callx` through every register to a helper and to a function, byte swaps, and the control
/// paths that end in runtime services (call depth, callx, kfunc, legacy packet loads). Every
/// register is spilled to the stack right after the instruction and copied to `mem` from there,
/// so the compared state includes all of r0–r9 whatever the instruction clobbered.
class X86RegisterCornersTest {
    /// r0–r9 before the instruction under test.
    private static final long[][] VALUES = {
        {7, -7, 3, 0, -1, 0x8000_0000_0000_0000L, 5, 0x1_0000_0000L, -2, 13},
        {0x8000_0000L, -1, 0xffff_ffffL, 1, 0x1_0000_0001L, 65, -0x8000_0000L, 2, 0xffff_ffff_0000_0001L, 31},
        {-3, 2, 33, 0x7fff_ffff_ffff_ffffL, 0x1_8000_0000L, -0x8000_0000L, 0x7fff_ffffL, 64, 3, -1},
    };
    /// Stack slot (below r10) where the prologue keeps the `mem` pointer.
    private static final short MEM_SLOT = -96;
    private static final int ALL = 0x3ff, AFTER_CALL = 0x3c1;
    private final Engine interp = new InterpreterEngine();
    private final Engine x86 = EmulatedEngine.x86_64();
    private final List<String> divergences = new ArrayList<>();
    private int runs;

    private static Reg r(int n) {
        return Reg.of(n);
    }

    /// Keeps `mem` on the stack; r0–r9 = values; body; spills the registers in `stored` (bit n =
    /// rn) to the stack, then copies them to mem + 8·n through r1/r2; exit.
    private static List<Insn> frame(long[] values, List<Insn> body, int stored) {
        List<Insn> p = new ArrayList<>();
        p.add(new Insn.Store(Size.DW, Reg.R10, MEM_SLOT, Reg.R1));
        for (int i = 0; i <= 9; i++) p.add(Insn.LoadImm64.constant(r(i), values[i]));
        p.addAll(body);
        for (int i = 0; i <= 9; i++) if ((stored & 1 << i) != 0) p.add(new Insn.Store(Size.DW, Reg.R10, (short) (-8 * (i + 1)), r(i)));
        p.add(new Insn.Load(Size.DW, false, Reg.R1, Reg.R10, MEM_SLOT));
        for (int i = 0; i <= 9; i++) {
            if ((stored & 1 << i) == 0) continue;
            p.add(new Insn.Load(Size.DW, false, Reg.R2, Reg.R10, (short) (-8 * (i + 1))));
            p.add(new Insn.Store(Size.DW, Reg.R1, (short) (8 * i), Reg.R2));
        }
        if ((stored & 1) == 0) p.add(new Insn.Alu(Width.W64, AluOp.MOV, Reg.R0, new Imm(0)));
        p.add(new Insn.Exit());
        return p;
    }

    private static List<Insn> frame(long[] values, List<Insn> body) {
        return frame(values, body, ALL);
    }

    /// Loads the `mem` pointer into `r` (for bodies that need an address).
    private static Insn memInto(Reg r) {
        return new Insn.Load(Size.DW, false, r, Reg.R10, MEM_SLOT);
    }

    private void compare(String what, List<Insn> insns, RuntimeOptions options, boolean kindOnly) {
        BpfObject object = new BpfObject(what, List.of(ProgramDef.of("p", new Program(insns))), List.of(), "");
        ExecutionResult a = interp.run(object, 0, MapSet.empty(), RunInput.of(new byte[160]), options);
        ExecutionResult b = x86.run(object, 0, MapSet.empty(), RunInput.of(new byte[160]), options);
        runs++;
        // A rejected program would make the comparison vacuous: every test program here is valid.
        if (a.error() == ErrorKind.REJECTED) divergences.add(what + ": the interpreter rejected it: " + a);
        String diff = kindOnly ? (a.error() == b.error() ? "" : "error: interp " + a + ", x86_64 " + b)
                : ResultDiff.describe("interp", a, "x86_64", b);
        if (!diff.isEmpty()) divergences.add(what + ":\n  " + diff.strip().replace("\n", "\n  "));
    }

    private void compare(String what, List<Insn> insns) {
        compare(what, insns, RuntimeOptions.conformance(), false);
    }

    private void assertAllAgree() {
        assertEquals("", String.join("\n", divergences.subList(0, Math.min(20, divergences.size()))),
                divergences.size() + " of " + runs + " runs diverge");
    }

    @Test
    void divisionsAndShiftsWithEveryRegisterPair() {
        AluOp[] ops = {AluOp.DIV, AluOp.MOD, AluOp.SDIV, AluOp.SMOD, AluOp.LSH, AluOp.RSH, AluOp.ARSH, AluOp.MUL};
        for (AluOp op : ops) {
            for (Width w : Width.values()) {
                for (long[] v : VALUES) {
                    for (int d = 0; d <= 9; d++) {
                        for (int s = 0; s <= 10; s++) {
                            compare(w + " " + op + " r" + d + ", r" + s + " " + java.util.Arrays.toString(v),
                                    frame(v, List.of(new Insn.Alu(w, op, r(d), r(s)))));
                        }
                        for (int k : new int[]{0, 1, -1, 3, 31, 32, 63, 64, Integer.MIN_VALUE}) {
                            compare(w + " " + op + " r" + d + ", " + k + " " + java.util.Arrays.toString(v),
                                    frame(v, List.of(new Insn.Alu(w, op, r(d), new Imm(k)))));
                        }
                    }
                }
            }
        }
        assertAllAgree();
    }

    @Test
    void movesSwapsAndNegation() {
        for (Width w : Width.values()) {
            for (int d = 0; d <= 9; d++) {
                for (AluOp op : new AluOp[]{AluOp.MOVSX8, AluOp.MOVSX16, AluOp.MOVSX32}) {
                    if (op == AluOp.MOVSX32 && w == Width.W32) continue;
                    compare(w + " " + op + " r" + d, frame(VALUES[1], List.of(new Insn.Alu(w, op, r(d), r((d + 1) % 10)))));
                }
                compare(w + " neg r" + d, frame(VALUES[2], List.of(new Insn.Alu(w, AluOp.NEG, r(d), Imm.ZERO))));
                compare(w + " mov r" + d + ", -2", frame(VALUES[2], List.of(new Insn.Alu(w, AluOp.MOV, r(d), new Imm(-2)))));
            }
        }
        for (EndianOp op : EndianOp.values()) {
            for (int bits : new int[]{16, 32, 64}) {
                for (int d = 0; d <= 9; d++) compare(op + " " + bits + " r" + d, frame(VALUES[2], List.of(new Insn.Endian(op, bits, r(d)))));
            }
        }
        assertAllAgree();
    }

    @Test
    void atomicsWithEveryBaseAndSource() {
        for (Size size : new Size[]{Size.W, Size.DW}) {
            for (AtomicOp op : AtomicOp.values()) {
                for (boolean fetch : new boolean[]{false, true}) {
                    if (op.requiresFetch() && !fetch) continue;
                    for (int base = 0; base <= 9; base++) {
                        for (int src = 0; src <= 9; src++) {
                            for (boolean match : op == AtomicOp.CMPXCHG ? new boolean[]{true, false} : new boolean[]{true}) {
                                // The target word: mem + 80, preset from a register t (neither base nor
                                // source); cmpxchg matches when r0 is a copy of it.
                                int t = 0;
                                while (t == base || t == src) t++;
                                List<Insn> body = new ArrayList<>();
                                body.add(memInto(r(base)));
                                body.add(new Insn.Alu(Width.W64, AluOp.ADD, r(base), new Imm(72)));
                                body.add(Insn.LoadImm64.constant(r(t), 0xf0f0_1234_8765_0f0fL));
                                body.add(new Insn.Store(Size.DW, r(base), (short) 8, r(t)));
                                if (match && t != 0 && base != 0 && src != 0) body.add(new Insn.Alu(Width.W64, AluOp.MOV, Reg.R0, r(t)));
                                body.add(new Insn.Atomic(size, op, fetch, r(base), (short) 8, r(src)));
                                compare(size + " " + op + (fetch ? " fetch" : "") + " [r" + base + "], r" + src + (match ? "" : " (no match)"),
                                        frame(VALUES[0], body));
                            }
                        }
                    }
                }
            }
        }
        assertAllAgree();
    }

    /// `callx` through every register: of helpers (gather_bytes reads all five arguments,
    /// trash_registers clobbers them, sqrti reads one) and of a function; after the call r1–r5
    /// are dead, so only r0 and r6–r9 are compared (plus the helper-call trace).
    @Test
    void callxThroughEveryRegister() {
        for (int t = 0; t <= 9; t++) {
            for (int helper : new int[]{0, 2, 3}) {
                compare("callx r" + t + " = helper " + helper, frame(VALUES[1], List.of(
                        Insn.LoadImm64.constant(r(t), helper), new Insn.CallIndirect(r(t))), AFTER_CALL));
            }
            // A function at the end: r0 = r1 + r5 (its arguments), then back.
            List<Insn> body = new ArrayList<>();
            body.add(new Insn.LoadImm64(r(t), LddwSource.FUNC, 0, 0));
            body.add(new Insn.CallIndirect(r(t)));
            List<Insn> p = frame(VALUES[2], body, AFTER_CALL);
            int callAt = p.indexOf(body.getFirst());
            int slotsToEnd = 0;
            for (int i = callAt; i < p.size(); i++) slotsToEnd += p.get(i) instanceof Insn.LoadImm64 ? 2 : 1;
            p.set(callAt, new Insn.LoadImm64(r(t), LddwSource.FUNC, slotsToEnd - 1, 0));
            p.add(new Insn.Alu(Width.W64, AluOp.MOV, Reg.R0, Reg.R1));
            p.add(new Insn.Alu(Width.W64, AluOp.ADD, Reg.R0, Reg.R5));
            p.add(new Insn.Exit());
            compare("callx r" + t + " = function", p);
            // A direct helper call with every register set: nothing moves, the trace shows all five.
            compare("call gather_bytes with r" + t + " = 0", frame(VALUES[0], List.of(
                    new Insn.Alu(Width.W64, AluOp.MOV, r(t), new Imm(0)), new Insn.Call(CallKind.HELPER, 0)), AFTER_CALL));
        }
        assertAllAgree();
    }

    @Test
    void runtimeServices() {
        // Recursion without end: CALL_DEPTH at the same slot as the interpreter.
        compare("call depth", List.of(new Insn.Call(CallKind.LOCAL, -1), new Insn.Exit()));
        // callx of a function (lddw func), of a helper id (conformance helper 3: sqrti), of nothing.
        compare("callx function", List.of(
                new Insn.LoadImm64(Reg.R2, LddwSource.FUNC, 3, 0),
                new Insn.CallIndirect(Reg.R2),
                new Insn.Exit(),
                new Insn.Alu(Width.W64, AluOp.MOV, Reg.R0, new Imm(42)),
                new Insn.Exit()));
        compare("callx helper", List.of(
                new Insn.Alu(Width.W64, AluOp.MOV, Reg.R1, new Imm(49)),
                new Insn.Alu(Width.W64, AluOp.MOV, Reg.R2, new Imm(3)),
                new Insn.CallIndirect(Reg.R2), new Insn.Exit()));
        compare("callx nothing", List.of(
                new Insn.Alu(Width.W64, AluOp.MOV, Reg.R2, new Imm(999)),
                new Insn.CallIndirect(Reg.R2), new Insn.Exit()));
        compare("kfunc", List.of(new Insn.Call(CallKind.KFUNC, 77), new Insn.Exit()));
        compare("unknown helper", List.of(new Insn.Call(CallKind.HELPER, 1234), new Insn.Exit()));
        // Legacy packet loads clobber r1–r5 like calls. ldind with every index register, and offsets
        // whose 32-bit sum wraps (imm + index is a 32-bit addition, then sign-extended).
        for (PacketMode mode : PacketMode.values()) {
            for (Size size : new Size[]{Size.B, Size.H, Size.W}) {
                for (int off : new int[]{0, 3, 158, 159, 160, -1, Integer.MIN_VALUE}) {
                    for (int x = 0; x <= (mode == PacketMode.IND ? 9 : 0); x++) {
                        for (int index : mode == PacketMode.IND ? new int[]{1, Integer.MIN_VALUE, -1} : new int[]{0}) {
                            compare(mode + " " + size + " " + off + " index r" + x + " = " + index, frame(VALUES[0], List.of(
                                    new Insn.Alu(Width.W64, AluOp.MOV, r(x), new Imm(index)),
                                    new Insn.LoadPacket(size, mode, mode == PacketMode.IND ? r(x) : null, off)), AFTER_CALL));
                        }
                    }
                }
            }
        }
        // A jump over a long body: the branch must relax to rel32.
        List<Insn> longJump = new ArrayList<>();
        longJump.add(new Insn.Jump(Width.W64, Cond.JEQ, Reg.R1, new Imm(0), (short) 100));
        for (int i = 0; i < 100; i++) longJump.add(new Insn.Alu(Width.W64, AluOp.DIV, Reg.R0, (Operand) Reg.R1));
        longJump.add(new Insn.Exit());
        compare("long forward branch", frame(VALUES[0], longJump));
        // Endless loop: both stop with BUDGET_EXHAUSTED (where exactly differs: the emulator counts machine instructions).
        compare("budget", List.of(new Insn.Goto(-1, false), new Insn.Exit()), RuntimeOptions.conformance().withBudget(1000), true);
        assertAllAgree();
        assertEquals(ErrorKind.CALL_DEPTH, x86.run(new BpfObject("d", List.of(ProgramDef.of("p", new Program(List.of(
                new Insn.Call(CallKind.LOCAL, -1), new Insn.Exit())))), List.of(), ""), 0, MapSet.empty(), RunInput.empty(),
                RuntimeOptions.conformance()).error());
    }
}
