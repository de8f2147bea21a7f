package dev.ebpfc.emulator;

import dev.ebpfc.backend.CompileOptions;
import dev.ebpfc.backend.CompiledProgram;
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
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// The corners of the ARM64 register map and lowering rules, against the interpreter: every
/// division, modulo, shift and multiplication with every pair of destination and source among
/// r0–r5 (x7, x0–x4: r0 is not the return register, r1 is), immediates on every path of the
/// immediate rules (ADD/SUB imm12 and its negation, logical bitmask immediates, materialised
/// constants, `cmn` for negative comparisons), every jump condition at both widths, loads and
/// stores at offsets of every addressing form, every atomic with every base and source, byte
/// swaps, runtime services (call depth, callx, kfunc, legacy packet loads), and branches and
/// pool loads beyond ±1 MiB. Registers r0–r8 are stored to `mem` after the instruction, so the
/// compared state includes every register.
class Arm64RegisterCornersTest {
    private static final long[][] VALUES = {
        {7, -7, 3, 0, -1, 0x8000_0000_0000_0000L},
        {0x8000_0000L, -1, 0xffff_ffffL, 1, 0x1_0000_0001L, 65},
        {-3, 2, 33, 0x7fff_ffff_ffff_ffffL, 0x1_8000_0000L, -0x8000_0000L},
    };
    /// Immediates that take every path: imm12, shifted imm12, negated, bitmask, materialised, extremes.
    private static final int[] IMMEDIATES = {0, 1, -1, 2, 31, 32, 63, 64, 4095, 4096, -4095, -4096, 0x1000, 0xfff000,
        0x1001, 0xff, 0x5555_5555, 0x00ff_00ff, 0x7fff_ffff, Integer.MIN_VALUE, -256, 12_345_678, -12_345_678};
    private final Engine interp = new InterpreterEngine();
    private final Engine arm64 = EmulatedEngine.arm64();
    private final Engine arm64Lse = EmulatedEngine.arm64Lse();
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
        compare(arm64, what, insns, options, kindOnly);
    }

    private void compare(Engine engine, String what, List<Insn> insns, RuntimeOptions options, boolean kindOnly) {
        BpfObject object = new BpfObject(what, List.of(ProgramDef.of("p", new Program(insns))), List.of(), "");
        ExecutionResult a = interp.run(object, 0, MapSet.empty(), RunInput.of(new byte[160]), options);
        ExecutionResult b = engine.run(object, 0, MapSet.empty(), RunInput.of(new byte[160]), options);
        runs++;
        String diff = kindOnly ? (a.error() == b.error() ? "" : "error: interp " + a + ", " + engine.name() + " " + b)
                : ResultDiff.describe("interp", a, engine.name(), b);
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
    void divisionsShiftsAndMultiplicationWithEveryRegisterPair() {
        AluOp[] ops = {AluOp.DIV, AluOp.MOD, AluOp.SDIV, AluOp.SMOD, AluOp.LSH, AluOp.RSH, AluOp.ARSH, AluOp.MUL};
        for (AluOp op : ops) {
            for (Width w : Width.values()) {
                for (long[] v : VALUES) {
                    for (int d = 0; d <= 5; d++) {
                        for (int s = 0; s <= 5; s++) {
                            compare(w + " " + op + " r" + d + ", r" + s + " " + Arrays.toString(v),
                                    frame(v, List.of(new Insn.Alu(w, op, r(d), r(s)))));
                        }
                        for (int k : new int[]{0, 1, -1, 3, 31, 32, 63, 64, Integer.MIN_VALUE, 0x1234_5678}) {
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
    void aluImmediatesOnEveryPath() {
        AluOp[] ops = {AluOp.ADD, AluOp.SUB, AluOp.AND, AluOp.OR, AluOp.XOR, AluOp.MOV, AluOp.MUL};
        for (AluOp op : ops) {
            for (Width w : Width.values()) {
                for (int k : IMMEDIATES) {
                    for (int d : new int[]{0, 1, 3}) {
                        compare(w + " " + op + " r" + d + ", " + k, frame(VALUES[d % 3], List.of(new Insn.Alu(w, op, r(d), new Imm(k)))));
                    }
                }
                // Register forms, including a register with itself.
                for (int s : new int[]{0, 1, 5}) {
                    compare(w + " " + op + " r1, r" + s, frame(VALUES[2], List.of(new Insn.Alu(w, op, Reg.R1, r(s)))));
                }
            }
        }
        assertAllAgree();
    }

    @Test
    void jumpsWithEveryConditionWidthAndImmediate() {
        // r6 = 0; if (rd cond src) goto +1; r6 = 1  — r6 records the outcome.
        for (Cond c : Cond.values()) {
            for (Width w : Width.values()) {
                for (long[] v : VALUES) {
                    for (int d = 0; d <= 5; d++) {
                        List<Operand> sources = new ArrayList<>();
                        for (int s = 0; s <= 5; s++) sources.add(r(s));
                        for (int k : IMMEDIATES) sources.add(new Imm(k));
                        for (Operand src : sources) {
                            compare(w + " " + c + " r" + d + ", " + src + " " + Arrays.toString(v), frame(v, List.of(
                                    new Insn.Alu(Width.W64, AluOp.MOV, Reg.R6, new Imm(0)),
                                    new Insn.Jump(w, c, r(d), src, (short) 1),
                                    new Insn.Alu(Width.W64, AluOp.MOV, Reg.R6, new Imm(1)))));
                        }
                    }
                }
            }
        }
        assertAllAgree();
    }

    @Test
    void loadsAndStoresAtOffsetsOfEveryAddressingForm() {
        // The access lands at mem + 64; the base is placed so that base + offset is there.
        short[] offsets = {0, 1, 2, 4, 8, 255, 256, 257, -1, -8, -256, -257, 4095, 4096, 8 * 4095, 32760, 32767, -32768};
        for (short off : offsets) {
            for (Size size : Size.values()) {
                for (int base : new int[]{0, 2}) {
                    for (int value : new int[]{1, 5}) {
                        List<Insn> body = new ArrayList<>();
                        body.add(new Insn.Alu(Width.W64, AluOp.MOV, r(base), Reg.R9));
                        body.add(new Insn.Alu(Width.W64, AluOp.ADD, r(base), new Imm(64 - off)));
                        body.add(new Insn.Store(size, r(base), off, r(value)));
                        body.add(new Insn.Load(size, false, Reg.R6, r(base), off));
                        if (size != Size.DW) body.add(new Insn.Load(size, true, Reg.R7, r(base), off));
                        body.add(new Insn.Store(size, r(base), off, new Imm(-2)));
                        body.add(new Insn.Load(size, size != Size.DW, Reg.R8, r(base), off));
                        compare(size + " at r" + base + (off >= 0 ? "+" : "") + off + " from r" + value, frame(VALUES[2], body));
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
                    for (long[] v : VALUES) {
                        compare(w + " " + op + " r" + d, frame(v, List.of(new Insn.Alu(w, op, r(d), r((d + 1) % 6)))));
                    }
                    compare(w + " " + op + " r" + d + " itself", frame(VALUES[1], List.of(new Insn.Alu(w, op, r(d), r(d)))));
                }
                compare(w + " neg r" + d, frame(VALUES[2], List.of(new Insn.Alu(w, AluOp.NEG, r(d), Imm.ZERO))));
                compare(w + " mov r" + d + ", -2", frame(VALUES[2], List.of(new Insn.Alu(w, AluOp.MOV, r(d), new Imm(-2)))));
            }
        }
        for (EndianOp op : EndianOp.values()) {
            for (int bits : new int[]{16, 32, 64}) {
                for (int d : new int[]{0, 3, 5}) {
                    compare(op + " " + bits + " r" + d, frame(VALUES[2], List.of(
                            Insn.LoadImm64.constant(r(d), 0x0102_0304_0506_0708L ^ (0xf0L << (8 * d))),
                            new Insn.Endian(op, bits, r(d)))));
                }
            }
        }
        assertAllAgree();
    }

    @Test
    void atomicsWithEveryBaseAndSource() {
        atomicsWithEveryBaseAndSource(arm64);
    }

    /// The same matrix with FEAT_LSE instructions, on Unicorn's `max` CPU model.
    @Test
    void lseAtomicsWithEveryBaseAndSource() {
        atomicsWithEveryBaseAndSource(arm64Lse);
    }

    private void atomicsWithEveryBaseAndSource(Engine engine) {
        for (Size size : new Size[]{Size.W, Size.DW}) {
            for (AtomicOp op : AtomicOp.values()) {
                for (boolean fetch : new boolean[]{false, true}) {
                    if (op.requiresFetch() && !fetch) continue;
                    for (int base = 0; base <= 5; base++) {
                        for (int src = 0; src <= 5; src++) {
                            for (short off : new short[]{8, 0, -300}) {
                                for (boolean matches : new boolean[]{true, false}) {
                                    if (!matches && op != AtomicOp.CMPXCHG) continue;
                                    List<Insn> body = new ArrayList<>();
                                    // The target word: mem + 80, preset to a value cmpxchg matches once r0 is copied.
                                    body.add(Insn.LoadImm64.constant(Reg.R6, 0xf0f0_1234_8765_0f0fL));
                                    body.add(new Insn.Store(Size.DW, Reg.R9, (short) 80, Reg.R6));
                                    if (base != 0 && src != 0) {
                                        body.add(new Insn.Alu(Width.W64, AluOp.MOV, Reg.R0, Reg.R6));
                                        if (!matches) body.add(new Insn.Alu(Width.W64, AluOp.ADD, Reg.R0, new Imm(1)));
                                    }
                                    body.add(new Insn.Alu(Width.W64, AluOp.MOV, r(base), Reg.R9));
                                    body.add(new Insn.Alu(Width.W64, AluOp.ADD, r(base), new Imm(80 - off)));
                                    body.add(new Insn.Atomic(size, op, fetch, r(base), off, r(src)));
                                    compare(engine, size + " " + op + (fetch ? " fetch" : "") + " [r" + base + (off >= 0 ? "+" : "") + off + "], r" + src
                                            + (matches ? "" : " (no match)"), frame(VALUES[0], body), RuntimeOptions.conformance(), false);
                                }
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
        // Seven nested calls fit; r6–r9 and r10 survive each.
        List<Insn> nested = new ArrayList<>(List.of(
                new Insn.Alu(Width.W64, AluOp.MOV, Reg.R6, new Imm(6)),
                new Insn.Alu(Width.W64, AluOp.MOV, Reg.R1, new Imm(7)),
                new Insn.Call(CallKind.LOCAL, 2),
                new Insn.Alu(Width.W64, AluOp.ADD, Reg.R0, (Operand) Reg.R6),
                new Insn.Exit(),
                // f(r1): stores r1 in its frame; if r1 > 1 calls f(r1 - 1); r0 = its frame's value + r0
                new Insn.Alu(Width.W64, AluOp.MOV, Reg.R0, new Imm(0)),
                new Insn.Store(Size.DW, Reg.R10, (short) -8, Reg.R1),
                new Insn.Alu(Width.W64, AluOp.MOV, Reg.R6, (Operand) Reg.R1),
                new Insn.Jump(Width.W64, Cond.JLE, Reg.R1, new Imm(1), (short) 2),
                new Insn.Alu(Width.W64, AluOp.SUB, Reg.R1, new Imm(1)),
                new Insn.Call(CallKind.LOCAL, -6),
                new Insn.Load(Size.DW, false, Reg.R2, Reg.R10, (short) -8),
                new Insn.Alu(Width.W64, AluOp.ADD, Reg.R0, (Operand) Reg.R2),
                new Insn.Alu(Width.W64, AluOp.MUL, Reg.R0, (Operand) Reg.R6),
                new Insn.Exit()));
        compare("nested calls to depth 7", nested);
        // callx of a function (lddw func), of a helper id (conformance helper 3: sqrti), of nothing.
        compare("callx function", List.of(
                new Insn.LoadImm64(Reg.R2, LddwSource.FUNC, 3, 0),
                new Insn.CallIndirect(Reg.R2),
                new Insn.Exit(),
                new Insn.Alu(Width.W64, AluOp.MOV, Reg.R0, new Imm(42)),
                new Insn.Exit()));
        compare("callx function through r0", List.of(
                new Insn.LoadImm64(Reg.R0, LddwSource.FUNC, 3, 0),
                new Insn.CallIndirect(Reg.R0),
                new Insn.Exit(),
                new Insn.Alu(Width.W64, AluOp.ADD, Reg.R0, new Imm(42)),
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
        // A helper inside a local call: x30 must survive the call out (the link keeper).
        compare("helper at depth 1", List.of(
                new Insn.Call(CallKind.LOCAL, 1),
                new Insn.Exit(),
                new Insn.Alu(Width.W64, AluOp.MOV, Reg.R1, new Imm(81)),
                new Insn.Call(CallKind.HELPER, 3),
                new Insn.Exit()));
        for (PacketMode mode : PacketMode.values()) {
            for (Size size : new Size[]{Size.B, Size.H, Size.W}) {
                for (int off : new int[]{0, 3, 158, 159, 160, -1, 5000}) {
                    Reg index = mode == PacketMode.IND ? Reg.R7 : null;
                    compare(mode + " " + size + " " + off, frame(VALUES[0], List.of(
                            new Insn.Alu(Width.W64, AluOp.MOV, Reg.R7, new Imm(1)),
                            new Insn.LoadPacket(size, mode, index, off))));
                }
            }
        }
        // Endless loop: both stop with BUDGET_EXHAUSTED (where exactly differs: the emulator counts machine instructions).
        compare("budget", List.of(new Insn.Goto(-1, false), new Insn.Exit()), RuntimeOptions.conformance().withBudget(1000), true);
        assertAllAgree();
        assertEquals(ErrorKind.CALL_DEPTH, arm64.run(new BpfObject("d", List.of(ProgramDef.of("p", new Program(List.of(
                new Insn.Call(CallKind.LOCAL, -1), new Insn.Exit())))), List.of(), ""), 0, MapSet.empty(), RunInput.empty(),
                RuntimeOptions.conformance()).error());
    }

    /// More than 1 MiB of code between a conditional jump and its target, and between the first
    /// helper call and the pool: `b.cond` must relax to an inverted `b.cond` over `b`, the pool
    /// load to `adr`/`movz`/`movk`/`ldr` (checked in the listing), and both must run.
    @Test
    void branchesAndPoolLoadsBeyondOneMebibyte() {
        int block = 70_000; // lddw of a 4-halfword constant: 16 bytes each, 1.07 MiB
        for (Cond c : new Cond[]{Cond.JEQ, Cond.JNE}) {
            List<Insn> p = new ArrayList<>();
            p.add(new Insn.Alu(Width.W64, AluOp.MOV, Reg.R1, new Imm(64)));
            p.add(new Insn.Call(CallKind.HELPER, 3)); // sqrti: r0 = 8, its pool entry after the block
            p.add(new Insn.Alu(Width.W64, AluOp.MOV, Reg.R6, (Operand) Reg.R0));
            p.add(new Insn.Jump(Width.W64, c, Reg.R6, new Imm(8), (short) (2 * block + 1))); // JEQ taken, JNE not
            for (int i = 0; i < block; i++) p.add(Insn.LoadImm64.constant(Reg.R3, 0x1234_5678_9abc_def0L + i));
            p.add(new Insn.Alu(Width.W64, AluOp.MOV, Reg.R0, (Operand) Reg.R3));
            p.add(new Insn.Alu(Width.W64, AluOp.ADD, Reg.R0, (Operand) Reg.R6));
            // Backwards over the block once: r6 = 8 → 9, then the forward-taken path exits.
            p.add(new Insn.Jump(Width.W64, Cond.JEQ, Reg.R6, new Imm(9), (short) 2));
            p.add(new Insn.Alu(Width.W64, AluOp.ADD, Reg.R6, new Imm(1)));
            p.add(new Insn.Jump(Width.W64, Cond.JNE, Reg.R6, new Imm(0), (short) -(2 * block + 5)));
            p.add(new Insn.Exit());
            compare("far " + c, p, RuntimeOptions.conformance().withBudget(10_000_000), false);
            CompiledProgram code = ((EmulatedEngine) arm64).compiled(new BpfObject("far", List.of(ProgramDef.of("p", new Program(p))), List.of(), ""),
                    0, RuntimeOptions.conformance().withBudget(10_000_000));
            assertTrue(code.codeSize() > (1 << 20), code.toString());
            String listing = code.listing();
            assertTrue(listing.contains("adr x16, "), "far pool load");
            assertTrue(listing.contains("ldr x16, [x16, w17, sxtw]"), "far pool load");
            assertTrue(Pattern.compile("b\\.(ne|eq) 0x[0-9a-f]+\\n[^\\n]*\\sb 0x").matcher(listing).find(), "far conditional branch");
        }
        assertAllAgree();
    }

    /// Unicorn 2.0.1's default AArch64 CPU (Cortex-A72, Armv8.0) decodes FEAT_LSE atomics as
    /// undefined instructions: the run stops with UNSUPPORTED at the atomic. That is why the
    /// `arm64` engine compiles LL/SC loops and `arm64-lse` asks for the `max` CPU model.
    @Test
    void lseAtomicsAreUndefinedForUnicornsDefaultCpu() {
        EmulatedEngine lse = new EmulatedEngine("arm64-lse", new Arm64EmulatedIsa(), CompileOptions.O0.withLse(true));
        List<Insn> body = List.of(new Insn.Atomic(Size.DW, AtomicOp.ADD, true, Reg.R9, (short) 8, Reg.R1));
        BpfObject object = new BpfObject("lse", List.of(ProgramDef.of("p", new Program(frame(VALUES[0], body)))), List.of(), "");
        ExecutionResult r = lse.run(object, 0, MapSet.empty(), RunInput.of(new byte[160]), RuntimeOptions.conformance());
        assertEquals(ErrorKind.UNSUPPORTED, r.error(), r.toString());
        assertTrue(r.toString().contains("unexpected interrupt 1"), r.toString());
    }
}
