package dev.ebpfc.backend.riscv64;

import static dev.ebpfc.backend.riscv64.Riscv64Reg.A0;
import static dev.ebpfc.backend.riscv64.Riscv64Reg.A1;
import static dev.ebpfc.backend.riscv64.Riscv64Reg.A2;
import static dev.ebpfc.backend.riscv64.Riscv64Reg.A3;
import static dev.ebpfc.backend.riscv64.Riscv64Reg.A4;
import static dev.ebpfc.backend.riscv64.Riscv64Reg.A5;
import static dev.ebpfc.backend.riscv64.Riscv64Reg.RA;
import static dev.ebpfc.backend.riscv64.Riscv64Reg.S5;
import static dev.ebpfc.backend.riscv64.Riscv64Reg.S6;
import static dev.ebpfc.backend.riscv64.Riscv64Reg.SP;
import static dev.ebpfc.backend.riscv64.Riscv64Reg.T0;
import static dev.ebpfc.backend.riscv64.Riscv64Reg.T1;
import static dev.ebpfc.backend.riscv64.Riscv64Reg.T2;
import static dev.ebpfc.backend.riscv64.Riscv64Reg.T3;
import static dev.ebpfc.backend.riscv64.Riscv64Reg.T4;
import static dev.ebpfc.backend.riscv64.Riscv64Reg.ZERO;

import dev.ebpfc.backend.BytecodeFacts;
import dev.ebpfc.backend.CodeBuffer;
import dev.ebpfc.backend.CodeBuffer.Label;
import dev.ebpfc.backend.CompileOptions;
import dev.ebpfc.backend.CompiledProgram;
import dev.ebpfc.backend.ConstantPool;
import dev.ebpfc.backend.PoolEntry;
import dev.ebpfc.backend.RuntimeEntry;
import dev.ebpfc.backend.RuntimeError;
import dev.ebpfc.backend.riscv64.Riscv64Insn.AluImmOp;
import dev.ebpfc.backend.riscv64.Riscv64Insn.AmoOp;
import dev.ebpfc.backend.riscv64.Riscv64Insn.BranchOp;
import dev.ebpfc.backend.riscv64.Riscv64Insn.LoadOp;
import dev.ebpfc.backend.riscv64.Riscv64Insn.Ordering;
import dev.ebpfc.backend.riscv64.Riscv64Insn.StoreOp;
import dev.ebpfc.backend.riscv64.Riscv64Insn.UnaryOp;
import dev.ebpfc.backend.riscv64.Riscv64Features.Extension;
import dev.ebpfc.backend.riscv64.Riscv64LabelRefs.Item;
import dev.ebpfc.frontend.insn.AluOp;
import dev.ebpfc.frontend.insn.Cond;
import dev.ebpfc.frontend.insn.EndianOp;
import dev.ebpfc.frontend.insn.Imm;
import dev.ebpfc.frontend.insn.Insn;
import dev.ebpfc.frontend.insn.Operand;
import dev.ebpfc.frontend.insn.Program;
import dev.ebpfc.frontend.insn.Reg;
import dev.ebpfc.frontend.insn.Size;
import dev.ebpfc.frontend.insn.Width;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.runtime.memory.MemoryLayout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/// The RISC-V64 -O0 code generator (RV64IMA; Zba, Zbb, C when enabled): each BPF instruction
/// becomes a fixed sequence over the registers of [Riscv64RegisterMap], in slot order, with no
/// analysis beyond which callee-saved registers the prologue must save. The shape of the code
/// (docs/native-abi.md):
///
/// ```
/// entry:    sp -= frame; save ra, s5, s6 and the used ones of s1–s4; s6 = sp (the anchor);
///           s5 = r10_top (a2); r1, r2 already in a0, a1; r0 (a5), r3–r5 (a2–a4) = 0
/// slot 0…:  the program, every slot labelled (jumps, calls and callx land on any instruction)
/// exit0:    a0 = a5 (BPF r0 to the ABI's return register), then
/// unwind:   sp = s6; restore; ret
/// stubs:    out-of-line runtime errors (call depth)
/// pool:     8-byte entries, patched by the loader
/// ```
///
/// A local call stores r6–r9, r10 (s1–s5) and its own return address in 64 bytes of machine
/// stack, advances s5 by the frame stride and jumps to the target slot; BPF `exit` loads the
/// return address back and jumps to it unless sp is back at the anchor (depth 0). The return
/// address lives on the stack rather than in ra because a helper call in the callee overwrites
/// ra. Each depth adds exactly 64 bytes, so `s6 - sp` is 64 × depth: that is the depth check, and
/// sp stays 16-byte aligned at every call (psABI §2.1).
///
/// Where RV64 and BPF disagree (unpriv. = RISC-V Unprivileged ISA 20191213, RFC 9669 for BPF):
/// - 32-bit ALU: the `w` instructions sign-extend their result (unpriv. §5.2), BPF zero-extends,
///   so every ALU32 result is followed by `slli 32; srli 32` (a later optimiser will prove many
///   of them redundant).
/// - Division by zero gives all ones on RISC-V (unpriv. §7.2), 0 in BPF: a mask derived from the
///   divisor clears the quotient. Remainder by zero (the dividend) and the signed overflow cases
///   (MIN / -1 = MIN, MIN % -1 = 0) already agree.
/// - Shifts: `sll`/`srl`/`sra` use the low 6 bits of the count and the `w` forms the low 5, which
///   is BPF's masking.
/// - JMP32 compares 32-bit values: operands are zero-extended for unsigned conditions and
///   equality, sign-extended (`sext.w`) for signed ones, into scratch registers.
/// - There is no byte swap without Zbb: shift-and-mask sequences, whose results are already
///   zero-extended.
///
/// With the bit-manipulation extensions (`CompileOptions.features`, bitmanip = RISC-V
/// Bit-Manipulation ISA-extensions 1.0.0), the same sequences get shorter where one instruction
/// does the work of several: Zba's `zext.w` (`add.uw rd, rs, zero`, §2.1) for every zero-extension
/// of a 32-bit result; Zbb's `rev8` (then one `srli` for 16/32 bits) for byte swaps, `zext.h` for
/// `le16`, `sext.b`/`sext.h` for `movsx`, and `andn`/`orn`/`xnor` when the complement of a wide
/// immediate is cheaper to build (`and r, 0xffff` needs `lui; addiw`, its complement one `lui`).
/// With C nothing changes here: the encoder compresses what it can ([Riscv64LabelRefs.Encoder]).
final class Riscv64Lowering {
    /// Machine stack bytes per call depth: return address, s1–s5, padded to 16.
    static final int BYTES_PER_DEPTH = 64;
    /// Machine stack bytes `callx` needs to keep r1–r5 across the resolution (16-aligned).
    static final int CALLX_SAVE = 48;

    private final ProgramDef def;
    private final Program program;
    private final CompileOptions options;
    /// Zba, Zbb, C when the options name them (docs/native-abi.md, "RISC-V64").
    private final Riscv64Features features;
    private final CodeBuffer<Item> buf = new CodeBuffer<>(this::newEncoder);
    private final ConstantPool pool = new ConstantPool(buf);
    private final Label[] slotLabels;
    private final Label exit0 = buf.label("exit0");
    private final Label unwind = buf.label("unwind");
    private final List<Runnable> outOfLine = new ArrayList<>();
    private Label noInstruction;
    private int slot;

    Riscv64Lowering(ProgramDef def, CompileOptions options) {
        this.def = def;
        this.program = def.program();
        this.options = options;
        this.features = Riscv64Features.named(options.features());
        this.slotLabels = new Label[program.slotCount()];
        for (int i = 0; i < program.size(); i++) slotLabels[program.slot(i)] = buf.label("slot" + program.slot(i));
    }

    /// Called by the buffer when it lays the code out, after the constructor has set `features`.
    private Riscv64LabelRefs.Encoder newEncoder() {
        return new Riscv64LabelRefs.Encoder(features);
    }

    CompiledProgram compile() {
        List<Riscv64Reg> saved = savedRegisters();
        int frame = (8 * saved.size() + 15) & -16;
        buf.note("prologue");
        addi(SP, SP, -frame);
        for (int i = 0; i < saved.size(); i++) emit(new Riscv64Insn.Store(StoreOp.SD, saved.get(i), SP, 8 * i));
        mv(Riscv64RegisterMap.ANCHOR, SP);
        mv(S5, A2);
        // BPF registers start at 0 (as in the interpreter): a helper call records r1–r5 whether the
        // helper reads them or not, so r3–r5 must not carry the caller's values; r0 for symmetry.
        for (Riscv64Reg r : new Riscv64Reg[]{A5, A2, A3, A4}) addi(r, ZERO, 0);
        for (int i = 0; i < program.size(); i++) {
            slot = program.slot(i);
            Insn insn = program.get(i);
            if (options.listing()) buf.note(String.format("%4d: %s", slot, insn));
            buf.bind(slotLabels[slot]);
            lower(i, insn);
        }
        // Running off the end is only possible without the static check; fail like a bad jump.
        slot = program.slotCount();
        buf.note("past the last instruction");
        runtimeError(RuntimeError.NO_INSTRUCTION, program.slotCount());
        buf.note("exit at depth 0 / unwind");
        buf.bind(exit0);
        mv(A0, A5);
        buf.bind(unwind);
        mv(SP, Riscv64RegisterMap.ANCHOR);
        for (int i = 0; i < saved.size(); i++) emit(new Riscv64Insn.Load(LoadOp.LD, saved.get(i), SP, 8 * i));
        addi(SP, SP, frame);
        emit(new Riscv64Insn.Jalr(ZERO, RA, 0));
        for (int i = 0; i < outOfLine.size(); i++) outOfLine.get(i).run();

        CodeBuffer.Assembled<Item> asm = buf.assemble();
        int poolOffset = pool.offset(asm.code().length);
        List<PoolEntry> entries = pool.entries();
        byte[] code = Arrays.copyOf(asm.code(), poolOffset + 8 * entries.size());
        int[] slotOffsets = new int[program.slotCount()];
        Arrays.fill(slotOffsets, -1);
        for (int s = 0; s < slotLabels.length; s++) if (slotLabels[s] != null) slotOffsets[s] = slotLabels[s].offset();
        int[] functionOffsets = BytecodeFacts.functionSlots(def).stream().mapToInt(s -> slotLabels[s].offset()).toArray();
        // The listing costs more than the rest of compiling: only on request (CompileOptions.listing).
        StringBuilder listing = new StringBuilder(options.listing() ? listing(asm, newEncoder()) : "");
        for (int i = 0; options.listing() && i < entries.size(); i++) {
            listing.append(String.format("%6x:  pool[%d] %s%n", poolOffset + 8 * i, i, entries.get(i)));
        }
        return new CompiledProgram("riscv64", code, 0, unwind.offset(), functionOffsets, slotOffsets, poolOffset, entries,
                listing.toString());
    }

    /// One line per machine instruction (an [Item] may hold several), as objdump prints them.
    static String listing(CodeBuffer.Assembled<Item> asm, Riscv64LabelRefs.Encoder sizes) {
        StringBuilder sb = new StringBuilder();
        byte[] code = asm.code();
        for (CodeBuffer.Line<Item> l : asm.lines()) {
            if (l.insn() == null) {
                sb.append("; ").append(l.note()).append('\n');
                continue;
            }
            int at = l.offset();
            for (Riscv64Insn i : l.insn().expand(l.offset())) {
                int length = sizes.length(l.insn(), i);
                String hex = HexFormat.of().formatHex(code, at, at + length);
                sb.append(String.format("%6x:  %-24s %s%n", at, hex, Riscv64Printer.print(i)));
                at += length;
            }
        }
        return sb.toString();
    }

    /// ra, s5 (r10) and s6 (anchor) always; s1–s4 when the program names r6–r9.
    private List<Riscv64Reg> savedRegisters() {
        boolean[] used = BytecodeFacts.namedRegisters(program);
        List<Riscv64Reg> out = new ArrayList<>(List.of(RA, S5, S6));
        for (int r = 6; r <= 9; r++) if (used[r]) out.add(Riscv64RegisterMap.of(Reg.of(r)));
        return out;
    }

    // ---- emission helpers -------------------------------------------------------------------

    private void emit(Riscv64Insn insn) {
        buf.emit(new Riscv64LabelRefs.One(insn));
    }

    private void alu(Riscv64Insn.AluOp op, Riscv64Reg rd, Riscv64Reg rs1, Riscv64Reg rs2) {
        emit(new Riscv64Insn.Alu(op, rd, rs1, rs2));
    }

    private void aluImm(AluImmOp op, Riscv64Reg rd, Riscv64Reg rs1, int imm) {
        emit(new Riscv64Insn.AluImm(op, rd, rs1, imm));
    }

    private void addi(Riscv64Reg rd, Riscv64Reg rs1, int imm) {
        aluImm(AluImmOp.ADDI, rd, rs1, imm);
    }

    private void mv(Riscv64Reg rd, Riscv64Reg rs) {
        if (rd != rs) addi(rd, rs, 0);
    }

    /// `rd = value`, the shortest lui/addi(w)/slli/srli sequence of [Riscv64Encoder#materialization].
    private void li(Riscv64Reg rd, long value) {
        for (Riscv64Insn i : Riscv64Encoder.materialization(rd, value)) emit(i);
    }

    /// BPF's zero-extension of a 32-bit result: Zba's `zext.w`, else `slli 32; srli 32`.
    private void zext32(Riscv64Reg rd, Riscv64Reg rs) {
        if (features.has(Extension.ZBA)) {
            alu(Riscv64Insn.AluOp.ADD_UW, rd, rs, ZERO);
            return;
        }
        aluImm(AluImmOp.SLLI, rd, rs, 32);
        aluImm(AluImmOp.SRLI, rd, rd, 32);
    }

    /// `sext.w`: the canonical `addiw rd, rs, 0`.
    private void sext32(Riscv64Reg rd, Riscv64Reg rs) {
        aluImm(AluImmOp.ADDIW, rd, rs, 0);
    }

    private void branch(BranchOp op, Riscv64Reg rs1, Riscv64Reg rs2, Label target) {
        buf.emit(new Riscv64LabelRefs.Cond(op, rs1, rs2), target);
    }

    private void jump(Label target) {
        buf.emit(new Riscv64LabelRefs.Jmp(), target);
    }

    private void poolLoad(Riscv64Reg dst, PoolEntry entry) {
        buf.emit(new Riscv64LabelRefs.PoolLoadRef(dst), pool.label(entry));
    }

    private void poolCall(PoolEntry entry) {
        buf.emit(new Riscv64LabelRefs.PoolCallRef(), pool.label(entry));
    }

    /// The label of the code for `target`, or a stub reporting that no instruction starts there.
    private Label slotLabel(int target) {
        if (target >= 0 && target < slotLabels.length && slotLabels[target] != null) return slotLabels[target];
        if (noInstruction == null) {
            Label l = noInstruction = buf.label("no_instruction");
            int bad = target;
            outOfLine.add(() -> {
                buf.bind(l);
                runtimeError(RuntimeError.NO_INSTRUCTION, bad);
            });
        }
        return noInstruction;
    }

    /// Reports `error` at the current slot through the engine, then leaves the program.
    private void runtimeError(RuntimeError error, long detail) {
        li(A0, error.ordinal());
        li(A1, slot);
        li(A2, detail);
        poolCall(new PoolEntry.Runtime(RuntimeEntry.ERROR));
        jump(unwind);
    }

    private static Riscv64Reg reg(Reg r) {
        return Riscv64RegisterMap.of(r);
    }

    /// The register holding `value`: zero for 0, else `scratch` after materialising it.
    private Riscv64Reg constant(long value, Riscv64Reg scratch) {
        if (value == 0) return ZERO;
        li(scratch, value);
        return scratch;
    }

    /// A memory operand `offset(base)` whose offset fits the 12-bit field: larger BPF offsets
    /// (16-bit) are added into t0 first.
    private record Mem(Riscv64Reg base, int offset) {
    }

    private Mem mem(Reg base, int offset) {
        if (Imm12.fits(offset)) return new Mem(reg(base), offset);
        li(T0, offset);
        alu(Riscv64Insn.AluOp.ADD, T0, T0, reg(base));
        return new Mem(T0, 0);
    }

    // ---- instructions -----------------------------------------------------------------------

    private void lower(int index, Insn insn) {
        switch (insn) {
            case Insn.Alu a -> alu(a);
            case Insn.Endian e -> endian(e);
            case Insn.Load l -> {
                Mem m = mem(l.base(), l.offset());
                emit(new Riscv64Insn.Load(LoadOp.of(l.size(), l.signExtend()), reg(l.dst()), m.base(), m.offset()));
            }
            case Insn.Store s -> {
                Mem m = mem(s.base(), s.offset());
                Riscv64Reg v = s.value() instanceof Reg r ? reg(r) : constant(((Imm) s.value()).value(), T1);
                emit(new Riscv64Insn.Store(StoreOp.of(s.size()), v, m.base(), m.offset()));
            }
            case Insn.Atomic a -> atomic(a);
            case Insn.LoadImm64 l -> loadImm64(index, l);
            case Insn.LoadPacket lp -> loadPacket(lp);
            case Insn.Jump j -> conditionalJump(index, j);
            case Insn.Goto g -> jump(slotLabel(program.branchTarget(index)));
            case Insn.Call c -> {
                switch (c.kind()) {
                    case HELPER -> {
                        poolCall(new PoolEntry.Helper(c.imm()));
                        mv(A5, A0);
                    }
                    case LOCAL -> localCall(program.branchTarget(index));
                    case KFUNC -> runtimeError(RuntimeError.KFUNC, c.imm());
                }
            }
            case Insn.CallIndirect c -> callIndirect(reg(c.target()));
            case Insn.Exit e -> {
                // Back at the anchor means depth 0: leave the program; otherwise return to the
                // address the local call stored.
                branch(BranchOp.BEQ, SP, Riscv64RegisterMap.ANCHOR, exit0);
                emit(new Riscv64Insn.Load(LoadOp.LD, T0, SP, 0));
                emit(new Riscv64Insn.Jalr(ZERO, T0, 0));
            }
        }
    }

    private void alu(Insn.Alu a) {
        Riscv64Reg d = reg(a.dst());
        boolean w32 = a.width() == Width.W32;
        Integer k = a.src() instanceof Imm(int v) ? v : null;
        Riscv64Reg s = a.src() instanceof Reg r ? reg(r) : null;
        switch (a.op()) {
            case MOV -> {
                if (s == null) {
                    // Already the final value: a 32-bit mov's immediate is zero-extended here.
                    li(d, w32 ? k & 0xffff_ffffL : k);
                    return;
                }
                if (w32) {
                    zext32(d, s);
                    return;
                }
                mv(d, s);
            }
            case MOVSX8, MOVSX16, MOVSX32 -> {
                int bits = a.op().movsxBits();
                if (bits == 32) {
                    sext32(d, s);
                } else if (features.has(Extension.ZBB)) {
                    emit(new Riscv64Insn.Unary(bits == 8 ? UnaryOp.SEXT_B : UnaryOp.SEXT_H, d, s));
                } else {
                    aluImm(AluImmOp.SLLI, d, s, 64 - bits);
                    aluImm(AluImmOp.SRAI, d, d, 64 - bits);
                }
            }
            case NEG -> alu(w32 ? Riscv64Insn.AluOp.SUBW : Riscv64Insn.AluOp.SUB, d, ZERO, d);
            case ADD -> {
                if (k != null && Imm12.fits(k)) aluImm(w32 ? AluImmOp.ADDIW : AluImmOp.ADDI, d, d, k);
                else alu(w32 ? Riscv64Insn.AluOp.ADDW : Riscv64Insn.AluOp.ADD, d, d, operand(a.src()));
            }
            case SUB -> {
                if (k != null && Imm12.fits(-(long) k)) aluImm(w32 ? AluImmOp.ADDIW : AluImmOp.ADDI, d, d, -k);
                else alu(w32 ? Riscv64Insn.AluOp.SUBW : Riscv64Insn.AluOp.SUB, d, d, operand(a.src()));
            }
            case AND, OR, XOR -> {
                // 64-bit forms: the low 32 bits are the same, and zext32 below clears the rest.
                if (k != null && Imm12.fits(k)) {
                    AluImmOp op = switch (a.op()) {
                        case AND -> AluImmOp.ANDI;
                        case OR -> AluImmOp.ORI;
                        default -> AluImmOp.XORI;
                    };
                    aluImm(op, d, d, k);
                } else if (k != null && complementIsShorter(k)) {
                    // x & k = x & ~(~k): Zbb's andn/orn/xnor take the complement (bitmanip §2.2).
                    Riscv64Insn.AluOp op = switch (a.op()) {
                        case AND -> Riscv64Insn.AluOp.ANDN;
                        case OR -> Riscv64Insn.AluOp.ORN;
                        default -> Riscv64Insn.AluOp.XNOR;
                    };
                    li(T1, ~(long) k);
                    alu(op, d, d, T1);
                } else {
                    Riscv64Insn.AluOp op = switch (a.op()) {
                        case AND -> Riscv64Insn.AluOp.AND;
                        case OR -> Riscv64Insn.AluOp.OR;
                        default -> Riscv64Insn.AluOp.XOR;
                    };
                    alu(op, d, d, operand(a.src()));
                }
            }
            case MUL -> alu(w32 ? Riscv64Insn.AluOp.MULW : Riscv64Insn.AluOp.MUL, d, d, operand(a.src()));
            case LSH, RSH, ARSH -> shift(a.op(), w32, d, k, s);
            case DIV, SDIV, MOD, SMOD -> {
                if (!divide(a.op(), w32, d, k, s)) return;
            }
        }
        if (w32) zext32(d, d);
    }

    /// Whether, with Zbb, building `~k` takes fewer instructions than building `k` (BPF
    /// sign-extends the immediate to 64 bits, so both are 64-bit constants).
    private boolean complementIsShorter(int k) {
        return features.has(Extension.ZBB)
                && Riscv64Encoder.materialization(T1, ~(long) k).size() < Riscv64Encoder.materialization(T1, k).size();
    }

    /// The register holding a 64-bit ALU source: BPF sign-extends immediates to 64 bits, and the
    /// `w` instructions read only the low 32, which are the same.
    private Riscv64Reg operand(Operand src) {
        if (src instanceof Reg r) return reg(r);
        return constant(((Imm) src).value(), T1);
    }

    /// Shifts: the hardware masks register counts to 6 bits (5 for `w` forms), exactly BPF's rule;
    /// immediate counts are masked here.
    private void shift(AluOp op, boolean w32, Riscv64Reg d, Integer k, Riscv64Reg s) {
        if (k != null) {
            AluImmOp i = switch (op) {
                case LSH -> w32 ? AluImmOp.SLLIW : AluImmOp.SLLI;
                case RSH -> w32 ? AluImmOp.SRLIW : AluImmOp.SRLI;
                default -> w32 ? AluImmOp.SRAIW : AluImmOp.SRAI;
            };
            aluImm(i, d, d, k & (w32 ? 31 : 63));
            return;
        }
        Riscv64Insn.AluOp r = switch (op) {
            case LSH -> w32 ? Riscv64Insn.AluOp.SLLW : Riscv64Insn.AluOp.SLL;
            case RSH -> w32 ? Riscv64Insn.AluOp.SRLW : Riscv64Insn.AluOp.SRL;
            default -> w32 ? Riscv64Insn.AluOp.SRAW : Riscv64Insn.AluOp.SRA;
        };
        alu(r, d, d, s);
    }

    /// Division and modulo with BPF's total semantics (RFC 9669 §4.1): x / 0 = 0, x % 0 = x,
    /// MIN / -1 = MIN, MIN % -1 = 0. RISC-V agrees on all but x / 0, which gives all ones
    /// (unpriv. §7.2, table 7.1): the quotient is ANDed with `(divisor == 0) - 1`, computed into t0
    /// before the division in case the destination is the divisor. Returns false when `d` is
    /// already final (no zero-extension needed).
    private boolean divide(AluOp op, boolean w32, Riscv64Reg d, Integer k, Riscv64Reg s) {
        boolean quotient = op == AluOp.DIV || op == AluOp.SDIV;
        Riscv64Insn.AluOp machine = switch (op) {
            case DIV -> w32 ? Riscv64Insn.AluOp.DIVUW : Riscv64Insn.AluOp.DIVU;
            case SDIV -> w32 ? Riscv64Insn.AluOp.DIVW : Riscv64Insn.AluOp.DIV;
            case MOD -> w32 ? Riscv64Insn.AluOp.REMUW : Riscv64Insn.AluOp.REMU;
            default -> w32 ? Riscv64Insn.AluOp.REMW : Riscv64Insn.AluOp.REM;
        };
        if (k != null) {
            // The divisor is known: only the path it takes.
            if (k == 0) {
                if (quotient) {
                    addi(d, ZERO, 0);
                    return false;
                }
                return true; // x % 0 = x (zero-extended for 32 bits)
            }
            li(T1, k);
            alu(machine, d, d, T1);
            return true;
        }
        if (!quotient) {
            alu(machine, d, d, s);
            return true;
        }
        for (Riscv64Insn i : Riscv64Sequences.quotient(machine, d, d, s, T0, w32)) emit(i);
        return true;
    }

    private void endian(Insn.Endian e) {
        Riscv64Reg d = reg(e.dst());
        if (e.op() == EndianOp.LE) {
            // ebpfc hosts are little-endian: `le` only truncates.
            switch (e.bits()) {
                case 16 -> {
                    if (features.has(Extension.ZBB)) {
                        emit(new Riscv64Insn.Unary(UnaryOp.ZEXT_H, d, d));
                        return;
                    }
                    aluImm(AluImmOp.SLLI, d, d, 48);
                    aluImm(AluImmOp.SRLI, d, d, 48);
                }
                case 32 -> zext32(d, d);
                default -> {
                }
            }
            return;
        }
        byteSwap(d, e.bits() / 8);
    }

    /// Reverses the low `n` bytes of `d` (BE and BSWAP). With Zbb, `rev8` reverses all eight and
    /// `srli` brings the low `n` down, clearing the rest. Without it, byte i moves to byte n-1-i
    /// through t1 and collects in t0, so the result has no bits above byte n-1.
    private void byteSwap(Riscv64Reg d, int n) {
        if (features.has(Extension.ZBB)) {
            emit(new Riscv64Insn.Unary(UnaryOp.REV8, d, d));
            if (n < 8) aluImm(AluImmOp.SRLI, d, d, 64 - 8 * n);
            return;
        }
        for (Riscv64Insn i : Riscv64Sequences.byteSwap(d, d, n, T0, T1)) emit(i);
    }

    /// Atomics (RFC 9669 §5.3) with A-extension AMOs (unpriv. §8.4), `.aqrl` so each is a full
    /// barrier as in Linux; `cmpxchg` as an lr/sc loop (unpriv. §8.2) that always stores (the
    /// old value when the comparison fails), as the interpreter does. 32-bit AMOs and `lr.w`
    /// return the old value sign-extended; BPF wants it zero-extended.
    private void atomic(Insn.Atomic a) {
        Riscv64Insn.Width width = a.size() == Size.DW ? Riscv64Insn.Width.D : Riscv64Insn.Width.W;
        boolean w32 = width == Riscv64Insn.Width.W;
        Riscv64Reg addr = reg(a.base());
        if (a.offset() != 0) {
            if (Imm12.fits(a.offset())) {
                addi(T0, addr, a.offset());
            } else {
                li(T0, a.offset());
                alu(Riscv64Insn.AluOp.ADD, T0, T0, addr);
            }
            addr = T0;
        }
        Riscv64Reg s = reg(a.src());
        AmoOp amo = switch (a.op()) {
            case ADD -> AmoOp.AMOADD;
            case OR -> AmoOp.AMOOR;
            case AND -> AmoOp.AMOAND;
            case XOR -> AmoOp.AMOXOR;
            case XCHG -> AmoOp.AMOSWAP;
            case CMPXCHG -> null;
        };
        if (amo != null) {
            if (!a.fetch()) {
                emit(new Riscv64Insn.Amo(amo, width, Ordering.AQRL, ZERO, s, addr));
                return;
            }
            emit(new Riscv64Insn.Amo(amo, width, Ordering.AQRL, T1, s, addr));
            if (w32) zext32(s, T1);
            else mv(s, T1);
            return;
        }
        Riscv64Reg r0 = reg(Reg.R0);
        Riscv64Reg expected = r0;
        if (w32) {
            sext32(T2, r0); // lr.w sign-extends, so compare with the sign-extended low half of r0
            expected = T2;
        }
        Label retry = buf.label("cmpxchg_retry"), store = buf.label("cmpxchg_store"), fail = buf.label("cmpxchg_fail");
        buf.bind(retry);
        emit(new Riscv64Insn.LoadReserved(width, Ordering.AQRL, T1, addr));
        branch(BranchOp.BNE, T1, expected, fail);
        mv(T3, s);
        jump(store);
        buf.bind(fail);
        mv(T3, T1);
        buf.bind(store);
        emit(new Riscv64Insn.StoreConditional(width, Ordering.AQRL, T4, T3, addr));
        branch(BranchOp.BNE, T4, ZERO, retry);
        if (w32) zext32(r0, T1);
        else mv(r0, T1);
    }

    private void loadImm64(int index, Insn.LoadImm64 l) {
        Riscv64Reg d = reg(l.dst());
        switch (l.source()) {
            case IMM64 -> li(d, l.value());
            case MAP_FD, MAP_IDX -> poolLoad(d, new PoolEntry.MapHandle(l.imm()));
            case MAP_VALUE, MAP_IDX_VALUE -> poolLoad(d, new PoolEntry.MapValue(l.imm(), l.nextImm() & 0xffffffffL));
            case FUNC -> poolLoad(d, new PoolEntry.CodeAddress(program.branchTarget(index)));
            case VARIABLE_ADDR -> runtimeError(RuntimeError.VARIABLE_ADDRESS, 0);
        }
    }

    /// `LD_ABS`/`LD_IND` through the engine's packet-load service; like a helper call it may
    /// clobber r1–r5, which BPF allows (the static check treats them as dead afterwards).
    private void loadPacket(Insn.LoadPacket lp) {
        if (lp.index() == null) {
            li(A0, lp.imm());
        } else {
            // Linux adds index and imm as 32-bit values, then sign-extends the sum: addw/addiw.
            if (Imm12.fits(lp.imm())) {
                aluImm(AluImmOp.ADDIW, A0, reg(lp.index()), lp.imm());
            } else {
                li(T0, lp.imm());
                alu(Riscv64Insn.AluOp.ADDW, A0, reg(lp.index()), T0);
            }
        }
        li(A1, lp.size().bytes);
        poolCall(new PoolEntry.Runtime(RuntimeEntry.LOAD_PACKET));
        mv(A5, A0);
    }

    private void conditionalJump(int index, Insn.Jump j) {
        Label target = slotLabel(program.branchTarget(index));
        Riscv64Reg d = reg(j.dst());
        boolean w32 = j.width() == Width.W32;
        Integer k = j.src() instanceof Imm(int v) ? v : null;
        if (j.cond() == Cond.JSET) {
            if (k != null && Imm12.fits(k)) {
                aluImm(AluImmOp.ANDI, T0, d, k);
            } else if (k != null && complementIsShorter(k)) {
                li(T1, ~(long) k);
                alu(Riscv64Insn.AluOp.ANDN, T0, d, T1);
            } else {
                alu(Riscv64Insn.AluOp.AND, T0, d, operand(j.src()));
            }
            if (w32) aluImm(AluImmOp.SLLI, T0, T0, 32);
            branch(BranchOp.BNE, T0, ZERO, target);
            return;
        }
        Riscv64Reg a = d, b;
        if (!w32) {
            b = operand(j.src());
        } else if (j.cond().signed) {
            sext32(T0, d);
            a = T0;
            if (k != null) b = constant(k, T1);
            else {
                sext32(T1, reg((Reg) j.src()));
                b = T1;
            }
        } else {
            zext32(T0, d);
            a = T0;
            if (k != null) b = constant(k & 0xffff_ffffL, T1);
            else {
                zext32(T1, reg((Reg) j.src()));
                b = T1;
            }
        }
        // No bgt/ble encodings: swap the operands of blt/bge (unpriv. §2.5.2).
        switch (j.cond()) {
            case JEQ -> branch(BranchOp.BEQ, a, b, target);
            case JNE -> branch(BranchOp.BNE, a, b, target);
            case JGT -> branch(BranchOp.BLTU, b, a, target);
            case JGE -> branch(BranchOp.BGEU, a, b, target);
            case JLT -> branch(BranchOp.BLTU, a, b, target);
            case JLE -> branch(BranchOp.BGEU, b, a, target);
            case JSGT -> branch(BranchOp.BLT, b, a, target);
            case JSGE -> branch(BranchOp.BGE, a, b, target);
            case JSLT -> branch(BranchOp.BLT, a, b, target);
            case JSLE -> branch(BranchOp.BGE, b, a, target);
            case JSET -> throw new AssertionError("handled above");
        }
    }

    /// Fails with CALL_DEPTH unless one more frame fits: `s6 - sp` is 64 × depth.
    private void checkDepth() {
        Label tooDeep = buf.label("call_depth");
        int at = slot;
        alu(Riscv64Insn.AluOp.SUB, T0, Riscv64RegisterMap.ANCHOR, SP);
        aluImm(AluImmOp.SLTIU, T0, T0, BYTES_PER_DEPTH * (MemoryLayout.MAX_FRAMES - 1));
        branch(BranchOp.BEQ, T0, ZERO, tooDeep);
        outOfLine.add(() -> {
            buf.note("call depth exceeded at slot " + at);
            buf.bind(tooDeep);
            int saved = slot;
            slot = at;
            runtimeError(RuntimeError.CALL_DEPTH, 0);
            slot = saved;
        });
    }

    /// Saves s1–s5 (r6–r10) and the return address `back` in a new 64-byte block, advances r10.
    private void pushBpfFrame(Label back) {
        addi(SP, SP, -BYTES_PER_DEPTH);
        Riscv64Reg[] regs = Riscv64RegisterMap.BPF_CALLEE_SAVED;
        for (int i = 0; i < regs.length; i++) emit(new Riscv64Insn.Store(StoreOp.SD, regs[i], SP, 8 + 8 * i));
        emit(new Riscv64Insn.Store(StoreOp.SD, S5, SP, 8 + 8 * regs.length));
        long stride = options.frameStride();
        if (Imm12.fits(stride)) {
            addi(S5, S5, (int) stride);
        } else {
            li(T0, stride);
            alu(Riscv64Insn.AluOp.ADD, S5, S5, T0);
        }
        buf.emit(new Riscv64LabelRefs.AddressRef(T0), back);
        emit(new Riscv64Insn.Store(StoreOp.SD, T0, SP, 0));
    }

    private void popBpfFrame(Label back) {
        buf.bind(back);
        Riscv64Reg[] regs = Riscv64RegisterMap.BPF_CALLEE_SAVED;
        for (int i = 0; i < regs.length; i++) emit(new Riscv64Insn.Load(LoadOp.LD, regs[i], SP, 8 + 8 * i));
        emit(new Riscv64Insn.Load(LoadOp.LD, S5, SP, 8 + 8 * regs.length));
        addi(SP, SP, BYTES_PER_DEPTH);
    }

    /// A BPF-to-BPF call: r6–r10 and the return address saved on the machine stack, r10 advanced
    /// to the next frame (whose bytes are not cleared: BPF programs may not read stack they did
    /// not write).
    private void localCall(int target) {
        checkDepth();
        Label back = buf.label("return");
        pushBpfFrame(back);
        jump(slotLabel(target));
        popBpfFrame(back);
    }

    /// `callx`: the engine resolves the value (a function's code address, or else a helper id);
    /// r1–r5 (a0–a4) are kept on the machine stack across the resolution because a function or
    /// helper receives them.
    private void callIndirect(Riscv64Reg target) {
        Riscv64Reg[] args = {A0, A1, A2, A3, A4};
        addi(SP, SP, -CALLX_SAVE);
        for (int i = 0; i < args.length; i++) emit(new Riscv64Insn.Store(StoreOp.SD, args[i], SP, 8 * i));
        mv(A0, target);
        poolCall(new PoolEntry.Runtime(RuntimeEntry.RESOLVE_CALLX));
        mv(T3, A0);
        for (int i = 0; i < args.length; i++) emit(new Riscv64Insn.Load(LoadOp.LD, args[i], SP, 8 * i));
        addi(SP, SP, CALLX_SAVE);
        Label helper = buf.label("callx_helper"), done = buf.label("callx_done");
        branch(BranchOp.BEQ, T3, ZERO, helper);
        checkDepth();
        Label back = buf.label("callx_return");
        pushBpfFrame(back);
        emit(new Riscv64Insn.Jalr(ZERO, T3, 0));
        popBpfFrame(back);
        jump(done);
        buf.bind(helper);
        mv(A5, target); // the 6th argument: the helper id (r0 is overwritten by the call anyway)
        poolCall(new PoolEntry.Runtime(RuntimeEntry.HELPER_BY_ID));
        mv(A5, A0);
        buf.bind(done);
    }
}
