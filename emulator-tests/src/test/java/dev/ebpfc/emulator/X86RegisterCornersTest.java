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

/// The corners of the x86 register map, against the interpreter: every division, modulo and
/// shift with every pair of destination and source among r0–r5 (rax, rdi, rsi, rdx, rcx, r8 —
/// rax/rdx are division's implicit operands, rcx the shift count), every atomic with every base
/// and source, byte swaps, and the control paths that end in runtime services (call depth, callx,
/// kfunc, legacy packet loads). Registers r0–r8 are stored to `mem` after the instruction, so
/// the compared state includes every register.
class X86RegisterCornersTest {
    private static final long[][] VALUES = {
        {7, -7, 3, 0, -1, 0x8000_0000_0000_0000L},
        {0x8000_0000L, -1, 0xffff_ffffL, 1, 0x1_0000_0001L, 65},
        {-3, 2, 33, 0x7fff_ffff_ffff_ffffL, 0x1_8000_0000L, -0x8000_0000L},
    };
    private final Engine interp = new InterpreterEngine();
    private final Engine x86 = EmulatedEngine.x86_64();
    private final List<String> divergences = new ArrayList<>();
    private int runs;

    private static Reg r(int n) {
        return Reg.of(n);
    }

    /// r9 = mem; r0–r5 = values; r6–r8 = canaries; body; store r0–r8 at mem; exit.
    private static List<Insn> frame(long[] values, List<Insn> body) {
        List<Insn> p = new ArrayList<>();
        p.add(new Insn.Alu(Width.W64, AluOp.MOV, Reg.R9, Reg.R1));
        for (int i = 0; i <= 5; i++) p.add(Insn.LoadImm64.constant(r(i), values[i]));
        for (int i = 6; i <= 8; i++) p.add(Insn.LoadImm64.constant(r(i), 0x6666_0000_0000_0000L + i));
        p.addAll(body);
        for (int i = 0; i <= 8; i++) p.add(new Insn.Store(Size.DW, Reg.R9, (short) (8 * i), r(i)));
        p.add(new Insn.Exit());
        return p;
    }

    private void compare(String what, List<Insn> insns, RuntimeOptions options, boolean kindOnly) {
        BpfObject object = new BpfObject(what, List.of(ProgramDef.of("p", new Program(insns))), List.of(), "");
        ExecutionResult a = interp.run(object, 0, MapSet.empty(), RunInput.of(new byte[160]), options);
        ExecutionResult b = x86.run(object, 0, MapSet.empty(), RunInput.of(new byte[160]), options);
        runs++;
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
                    for (int d = 0; d <= 5; d++) {
                        for (int s = 0; s <= 5; s++) {
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
            for (int d = 0; d <= 5; d++) {
                for (AluOp op : new AluOp[]{AluOp.MOVSX8, AluOp.MOVSX16, AluOp.MOVSX32}) {
                    if (op == AluOp.MOVSX32 && w == Width.W32) continue;
                    compare(w + " " + op + " r" + d, frame(VALUES[1], List.of(new Insn.Alu(w, op, r(d), r((d + 1) % 6)))));
                }
                compare(w + " neg r" + d, frame(VALUES[2], List.of(new Insn.Alu(w, AluOp.NEG, r(d), Imm.ZERO))));
                compare(w + " mov r" + d + ", -2", frame(VALUES[2], List.of(new Insn.Alu(w, AluOp.MOV, r(d), new Imm(-2)))));
            }
        }
        for (EndianOp op : EndianOp.values()) {
            for (int bits : new int[]{16, 32, 64}) {
                compare(op + " " + bits, frame(VALUES[2], List.of(new Insn.Endian(op, bits, Reg.R3))));
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
                    for (int base = 0; base <= 5; base++) {
                        for (int src = 0; src <= 5; src++) {
                            List<Insn> body = new ArrayList<>();
                            // The target word: mem + 80, preset to a value that cmpxchg will match once r0 is copied.
                            body.add(Insn.LoadImm64.constant(Reg.R6, 0xf0f0_1234_8765_0f0fL));
                            body.add(new Insn.Store(Size.DW, Reg.R9, (short) 80, Reg.R6));
                            if (base != 0 && src != 0) body.add(new Insn.Alu(Width.W64, AluOp.MOV, Reg.R0, Reg.R6));
                            body.add(new Insn.Alu(Width.W64, AluOp.MOV, r(base), Reg.R9));
                            body.add(new Insn.Alu(Width.W64, AluOp.ADD, r(base), new Imm(72)));
                            body.add(new Insn.Atomic(size, op, fetch, r(base), (short) 8, r(src)));
                            compare(size + " " + op + (fetch ? " fetch" : "") + " [r" + base + "], r" + src, frame(VALUES[0], body));
                        }
                    }
                }
            }
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
        for (PacketMode mode : PacketMode.values()) {
            for (Size size : new Size[]{Size.B, Size.H, Size.W}) {
                for (int off : new int[]{0, 3, 158, 159, 160, -1}) {
                    Reg index = mode == PacketMode.IND ? Reg.R7 : null;
                    compare(mode + " " + size + " " + off, frame(VALUES[0], List.of(
                            new Insn.Alu(Width.W64, AluOp.MOV, Reg.R7, new Imm(1)),
                            new Insn.LoadPacket(size, mode, index, off))));
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
