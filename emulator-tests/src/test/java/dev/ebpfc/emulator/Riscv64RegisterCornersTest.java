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
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/// The corners of the RISC-V64 lowering, against the interpreter: where RV64 and BPF disagree
/// (`w` instructions sign-extend, BPF zero-extends; division by zero gives all ones; 32-bit
/// comparisons need both operands extended the same way), where the register map doubles up
/// (r0 is a5, the helper-id argument of `callx`; r1 is a0, the return register), immediates
/// around the 12-bit boundary, memory offsets beyond 12 bits, atomics with every base and
/// source, byte swaps with garbage above the swapped bytes, and the runtime services (call
/// depth, callx, kfunc, legacy packet loads, a helper that clobbers r1–r5). Registers r0–r8 are
/// stored to `mem` after the instruction, so the compared state includes every register.
class Riscv64RegisterCornersTest {
    private static final long[][] VALUES = {
        {7, -7, 3, 0, -1, 0x8000_0000_0000_0000L},
        {0x8000_0000L, -1, 0xffff_ffffL, 1, 0x1_0000_0001L, 65},
        {-3, 2, 33, 0x7fff_ffff_ffff_ffffL, 0x1_8000_0000L, -0x8000_0000L},
        // Zero in the low half only: 32-bit division by it is division by zero.
        {0x1_0000_0000L, 0xffff_ffff_8000_0000L, -0x8000_0000L, 0x1234_5678_9abc_def0L, 0xffff_ffff_0000_0000L, 0x7fff_ffffL},
    };
    private static final int[] IMMEDIATES = {0, 1, -1, 3, 31, 32, 63, 64, 2047, 2048, -2048, -2049, 0x7fff_ffff, Integer.MIN_VALUE, 0x8000_0001};
    private final Engine interp = new InterpreterEngine();
    private final Engine riscv = EmulatedEngine.riscv64();
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
        ExecutionResult b = riscv.run(object, 0, MapSet.empty(), RunInput.of(new byte[160]), options);
        runs++;
        String diff = kindOnly ? (a.error() == b.error() ? "" : "error: interp " + a + ", riscv64 " + b)
                : ResultDiff.describe("interp", a, "riscv64", b);
        if (!diff.isEmpty()) divergences.add(what + ":\n  " + diff.strip().replace("\n", "\n  "));
    }

    private void compare(String what, List<Insn> insns) {
        compare(what, insns, RuntimeOptions.conformance(), false);
    }

    private void assertAllAgree() {
        assertEquals("", String.join("\n", divergences.subList(0, Math.min(20, divergences.size()))),
                divergences.size() + " of " + runs + " runs diverge");
        System.out.println(getClass().getSimpleName() + ": " + runs + " runs agree");
    }

    @Test
    void aluWithEveryRegisterPairAndImmediate() {
        AluOp[] ops = {AluOp.DIV, AluOp.MOD, AluOp.SDIV, AluOp.SMOD, AluOp.LSH, AluOp.RSH, AluOp.ARSH, AluOp.MUL,
            AluOp.ADD, AluOp.SUB, AluOp.AND, AluOp.OR, AluOp.XOR, AluOp.MOV};
        for (AluOp op : ops) {
            for (Width w : Width.values()) {
                for (long[] v : VALUES) {
                    for (int d = 0; d <= 5; d++) {
                        for (int s = 0; s <= 5; s++) {
                            compare(w + " " + op + " r" + d + ", r" + s + " " + Arrays.toString(v),
                                    frame(v, List.of(new Insn.Alu(w, op, r(d), r(s)))));
                        }
                        // One destination per immediate suffices: the register pairs are covered above.
                        if (d != 0 && d != 1) continue;
                        for (int k : IMMEDIATES) {
                            compare(w + " " + op + " r" + d + ", " + k + " " + Arrays.toString(v),
                                    frame(v, List.of(new Insn.Alu(w, op, r(d), new Imm(k)))));
                        }
                    }
                }
            }
        }
        assertAllAgree();
    }

    @Test
    void comparisonsOfBothWidths() {
        for (Cond c : Cond.values()) {
            for (Width w : Width.values()) {
                for (long[] v : VALUES) {
                    for (int d = 0; d <= 5; d++) {
                        for (int s = 0; s <= 5; s++) {
                            // Not taken: r8 = 1; taken: r8 keeps its canary.
                            compare(w + " " + c + " r" + d + ", r" + s + " " + Arrays.toString(v), frame(v, List.of(
                                    new Insn.Jump(w, c, r(d), r(s), (short) 1),
                                    new Insn.Alu(Width.W64, AluOp.MOV, Reg.R8, new Imm(1)))));
                        }
                        for (int k : IMMEDIATES) {
                            compare(w + " " + c + " r" + d + ", " + k + " " + Arrays.toString(v), frame(v, List.of(
                                    new Insn.Jump(w, c, r(d), new Imm(k), (short) 1),
                                    new Insn.Alu(Width.W64, AluOp.MOV, Reg.R8, new Imm(1)))));
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
            for (long[] v : VALUES) {
                for (int d = 0; d <= 5; d++) {
                    for (AluOp op : new AluOp[]{AluOp.MOVSX8, AluOp.MOVSX16, AluOp.MOVSX32}) {
                        if (op == AluOp.MOVSX32 && w == Width.W32) continue;
                        compare(w + " " + op + " r" + d, frame(v, List.of(new Insn.Alu(w, op, r(d), r((d + 1) % 6)))));
                        compare(w + " " + op + " r" + d + " (itself)", frame(v, List.of(new Insn.Alu(w, op, r(d), r(d)))));
                    }
                    compare(w + " neg r" + d, frame(v, List.of(new Insn.Alu(w, AluOp.NEG, r(d), Imm.ZERO))));
                }
            }
        }
        for (EndianOp op : EndianOp.values()) {
            for (int bits : new int[]{16, 32, 64}) {
                for (long[] v : VALUES) {
                    for (int d = 0; d <= 5; d++) compare(op + " " + bits + " r" + d, frame(v, List.of(new Insn.Endian(op, bits, r(d)))));
                }
            }
        }
        for (long c : new long[]{0, 1, -1, 2047, 2048, -2049, 0x7fff_ffffL, 0x8000_0000L, 0xffff_ffffL, 0x1_0000_0000L,
            0x8000_0000_0000_0000L, 0x7fff_ffff_ffff_ffffL, 0x1234_5678_9abc_def0L, 0xffff_f800_0000_0800L}) {
            compare("lddw " + Long.toHexString(c), frame(VALUES[0], List.of(Insn.LoadImm64.constant(Reg.R4, c))));
        }
        assertAllAgree();
    }

    @Test
    void loadsAndStoresBeyondTwelveBitOffsets() {
        // r2 = mem - delta, then every access at r2 + delta + 16: offsets beyond the 12-bit field.
        for (int delta : new int[]{0, 2047, 2048, 2100, -2048, -2049, 32000, -32000}) {
            for (Size size : Size.values()) {
                for (boolean signed : new boolean[]{false, true}) {
                    if (signed && size == Size.DW) continue;
                    List<Insn> body = new ArrayList<>();
                    body.add(Insn.LoadImm64.constant(Reg.R6, 0x8182_8384_f5f6_f7f8L));
                    body.add(new Insn.Store(Size.DW, Reg.R9, (short) 120, Reg.R6));
                    body.add(new Insn.Alu(Width.W64, AluOp.MOV, Reg.R2, Reg.R9));
                    body.add(new Insn.Alu(Width.W64, AluOp.SUB, Reg.R2, new Imm(delta)));
                    body.add(new Insn.Load(size, signed, Reg.R3, Reg.R2, (short) (delta + 120)));
                    body.add(new Insn.Store(size, Reg.R2, (short) (delta + 130), Reg.R6));
                    body.add(new Insn.Store(size, Reg.R2, (short) (delta + 140), new Imm(-0x1234_5679)));
                    body.add(new Insn.Store(size, Reg.R2, (short) (delta + 150), new Imm(0)));
                    body.add(new Insn.Atomic(size == Size.DW ? Size.DW : Size.W, AtomicOp.ADD, true, Reg.R2, (short) (delta + 152), Reg.R4));
                    compare(size + (signed ? " signed" : "") + " delta " + delta, frame(VALUES[1], body));
                }
            }
        }
        // Outside the memory: the same fault at the same slot.
        compare("load out of bounds", frame(VALUES[0], List.of(new Insn.Load(Size.DW, false, Reg.R3, Reg.R9, (short) 6000)))); // past the page: emulation checks pages
        compare("store out of bounds", frame(VALUES[0], List.of(new Insn.Store(Size.W, Reg.R9, (short) -3000, new Imm(1)))));
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
                            for (boolean match : new boolean[]{true, false}) {
                                if (!match && op != AtomicOp.CMPXCHG) continue;
                                List<Insn> body = new ArrayList<>();
                                // The target word: mem + 80, preset to a value that cmpxchg will match once r0 is copied.
                                body.add(Insn.LoadImm64.constant(Reg.R6, 0xf0f0_1234_8765_0f0fL));
                                body.add(new Insn.Store(Size.DW, Reg.R9, (short) 80, Reg.R6));
                                if (base != 0 && src != 0) {
                                    body.add(new Insn.Alu(Width.W64, AluOp.MOV, Reg.R0, Reg.R6));
                                    // Only the low 32 bits take part in a 32-bit comparison.
                                    if (!match) body.add(new Insn.Alu(Width.W64, AluOp.XOR, Reg.R0, new Imm(0x10)));
                                    else if (size == Size.W) body.add(new Insn.Alu(Width.W64, AluOp.XOR, Reg.R0, new Imm(Integer.MIN_VALUE)));
                                }
                                body.add(new Insn.Alu(Width.W64, AluOp.MOV, r(base), Reg.R9));
                                body.add(new Insn.Alu(Width.W64, AluOp.ADD, r(base), new Imm(72)));
                                body.add(new Insn.Atomic(size, op, fetch, r(base), (short) 8, r(src)));
                                compare(size + " " + op + (fetch ? " fetch" : "") + " [r" + base + "], r" + src + (match ? "" : " mismatch"),
                                        frame(VALUES[0], body));
                            }
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
        // A local call: r6–r9 survive, r10 moves to the next frame and back.
        compare("local call", frame(VALUES[0], List.of(
                new Insn.Alu(Width.W64, AluOp.MOV, Reg.R6, Reg.R10),
                new Insn.Call(CallKind.LOCAL, 2),
                new Insn.Alu(Width.W64, AluOp.SUB, Reg.R6, Reg.R10),
                new Insn.Goto(4, false),
                new Insn.Alu(Width.W64, AluOp.MOV, Reg.R7, Reg.R10),
                new Insn.Store(Size.DW, Reg.R10, (short) -8, Reg.R7),
                new Insn.Call(CallKind.HELPER, 0), // a helper call inside the callee must not lose its return address
                new Insn.Exit())));
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
        compare("callx helper through r0", List.of(
                new Insn.Alu(Width.W64, AluOp.MOV, Reg.R1, new Imm(64)),
                new Insn.Alu(Width.W64, AluOp.MOV, Reg.R0, new Imm(3)),
                new Insn.CallIndirect(Reg.R0), new Insn.Exit()));
        compare("callx nothing", List.of(
                new Insn.Alu(Width.W64, AluOp.MOV, Reg.R2, new Imm(999)),
                new Insn.CallIndirect(Reg.R2), new Insn.Exit()));
        compare("kfunc", List.of(new Insn.Call(CallKind.KFUNC, 77), new Insn.Exit()));
        compare("unknown helper", List.of(new Insn.Call(CallKind.HELPER, 1234), new Insn.Exit()));
        // Conformance helper 2 returns 0 and clobbers r1–r5; r0 must be the return value, although
        // the return register a0 is also BPF r1.
        compare("helper clobbering r1-r5", List.of(
                new Insn.Alu(Width.W64, AluOp.MOV, Reg.R0, new Imm(5)),
                new Insn.Call(CallKind.HELPER, 2),
                new Insn.Exit()));
        for (PacketMode mode : PacketMode.values()) {
            for (Size size : new Size[]{Size.B, Size.H, Size.W}) {
                for (int off : new int[]{0, 3, 158, 159, 160, -1, 3000}) {
                    Reg index = mode == PacketMode.IND ? Reg.R7 : null;
                    compare(mode + " " + size + " " + off, frame(VALUES[0], List.of(
                            new Insn.Alu(Width.W64, AluOp.MOV, Reg.R7, new Imm(off == 3000 ? -2950 : 1)),
                            new Insn.LoadPacket(size, mode, index, off))));
                }
            }
        }
        // Endless loop: both stop with BUDGET_EXHAUSTED (where exactly differs: the emulator counts machine instructions).
        compare("budget", List.of(new Insn.Goto(-1, false), new Insn.Exit()), RuntimeOptions.conformance().withBudget(1000), true);
        assertAllAgree();
        assertEquals(ErrorKind.CALL_DEPTH, riscv.run(new BpfObject("d", List.of(ProgramDef.of("p", new Program(List.of(
                new Insn.Call(CallKind.LOCAL, -1), new Insn.Exit())))), List.of(), ""), 0, MapSet.empty(), RunInput.empty(),
                RuntimeOptions.conformance()).error());
    }
}
