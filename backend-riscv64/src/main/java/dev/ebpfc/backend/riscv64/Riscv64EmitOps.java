package dev.ebpfc.backend.riscv64;

import static dev.ebpfc.backend.riscv64.Riscv64Reg.RA;
import static dev.ebpfc.backend.riscv64.Riscv64Reg.T0;
import static dev.ebpfc.backend.riscv64.Riscv64Reg.T1;
import static dev.ebpfc.backend.riscv64.Riscv64Reg.T2;
import static dev.ebpfc.backend.riscv64.Riscv64Reg.T3;
import static dev.ebpfc.backend.riscv64.Riscv64Reg.T4;
import static dev.ebpfc.backend.riscv64.Riscv64Reg.ZERO;

import dev.ebpfc.backend.CodeBuffer.Label;
import dev.ebpfc.backend.mir.MachineInst;
import dev.ebpfc.backend.mir.Operand;
import dev.ebpfc.backend.riscv64.Riscv64Insn.AluImmOp;
import dev.ebpfc.backend.riscv64.Riscv64Insn.AluOp;
import dev.ebpfc.backend.riscv64.Riscv64Insn.AmoOp;
import dev.ebpfc.backend.riscv64.Riscv64Insn.BranchOp;
import dev.ebpfc.backend.riscv64.Riscv64Insn.LoadOp;
import dev.ebpfc.backend.riscv64.Riscv64Insn.Ordering;
import dev.ebpfc.backend.riscv64.Riscv64Insn.StoreOp;
import dev.ebpfc.backend.select.MOp;
import dev.ebpfc.frontend.insn.Cond;
import dev.ebpfc.frontend.insn.Size;
import dev.ebpfc.frontend.insn.Width;
import dev.ebpfc.ir.BinaryOp;

import java.util.List;

/// The RISC-V64 instructions for each non-terminator [MOp] (and the compare of a conditional
/// branch), for [Riscv64Emitter], which owns the layout, the frame and the operand locations.
///
/// Value representation ([MOp]): i32 values are zero-extended. RV64's `w` instructions
/// (unpriv. §5.2) sign-extend their 32-bit result, so one is followed by `slli 32; srli 32`;
/// operations whose zero-extended inputs already give a zero-extended result need none (`and`,
/// `or`, `xor` of two i32 values, `srli` of one). A W32 compare sign-extends both operands
/// (`sext.w`): equal low halves stay equal, and sign-extension maps the unsigned 32-bit order
/// monotonically onto the unsigned 64-bit one (`[0, 2^31)` stays, `[2^31, 2^32)` moves to the top),
/// so every condition can use the 64-bit compare of the results.
///
/// Scratch use: spilled uses in t1, t2, t3 (operand order), a spilled def in t0, temporaries in
/// t4 and t3 (and t0 where the def is written last).
final class Riscv64EmitOps {
    private final Riscv64Emitter e;

    Riscv64EmitOps(Riscv64Emitter e) {
        this.e = e;
    }

    /// A compare-and-branch: `op rs1, rs2`.
    record Test(BranchOp op, Riscv64Reg a, Riscv64Reg b) {
    }

    void emit(MachineInst mi) {
        List<Operand> o = mi.operands();
        switch ((MOp) mi.op()) {
            case MOp.Move m -> e.move(e.alloc.of(o.get(0).reg()), e.alloc.of(o.get(1).reg()));
            case MOp.Imm(long value) -> {
                Riscv64Reg d = e.dst(o.get(0));
                e.li(d, value);
                e.commit(o.get(0), d);
            }
            case MOp.Alu a -> alu(a, o);
            case MOp.AluImm a -> aluImm(a, o);
            case MOp.Un u -> {
                Riscv64Reg x = e.use(o.get(1), T1), d = e.dst(o.get(0));
                switch (u.op()) {
                    case NEG -> e.alu(u.w32() ? AluOp.SUBW : AluOp.SUB, d, ZERO, x);
                    case NOT -> e.aluImm(AluImmOp.XORI, d, x, -1);
                }
                if (u.w32() && !e.upper.lowOnly(o.get(0).reg())) zext(d, d);
                e.commit(o.get(0), d);
            }
            case MOp.Ext x -> extend(x, o);
            case MOp.Trunc t -> {
                Riscv64Reg x = e.use(o.get(1), T1), d = e.dst(o.get(0));
                zext32(d, x, o);
                e.commit(o.get(0), d);
            }
            case MOp.Swap(int bits) -> {
                Riscv64Reg x = e.use(o.get(1), T1), d = e.dst(o.get(0));
                e.emitAll(Riscv64Sequences.byteSwap(d, x, bits / 8, T3, T4));
                e.commit(o.get(0), d);
            }
            case MOp.SetCond(Cond cond, Width width) -> {
                Riscv64Reg a = e.use(o.get(1), T1), b = e.use(o.get(2), T2);
                Riscv64Reg d = e.dst(o.get(0));
                if (cond == Cond.JSET) {
                    e.alu(AluOp.AND, T3, a, b);
                    setIfNonZero(d, T3, width);
                } else {
                    if (width == Width.W32 && !e.upper.compareAsIs(cond, o.get(1).reg(), o.get(2).reg())) {
                        a = sext(T1, a);
                        b = sext(T2, b);
                    }
                    setCond(cond, d, a, b);
                }
                e.commit(o.get(0), d);
            }
            case MOp.SetCondImm s -> setCondImm(s, o);
            case MOp.Select s -> {
                Riscv64Reg c = e.use(o.get(1), T1), t = e.use(o.get(2), T2), f = e.use(o.get(3), T3);
                Riscv64Reg d = e.dst(o.get(0));
                select(d, c, t, f);
                e.commit(o.get(0), d);
            }
            case MOp.Load(Size size, boolean signed, int offset) -> {
                Riscv64Reg base = e.use(o.get(1), T1);
                Riscv64Reg d = e.dst(o.get(0));
                Mem m = mem(base, offset, T3);
                e.emit(new Riscv64Insn.Load(LoadOp.of(size, signed), d, m.base(), m.offset()));
                e.commit(o.get(0), d);
            }
            case MOp.Store(Size size, int offset) -> {
                Riscv64Reg base = e.use(o.get(0), T1), v = e.use(o.get(1), T2);
                Mem m = mem(base, offset, T3);
                e.store(StoreOp.of(size), v, m.base(), m.offset());
            }
            case MOp.StoreImm(Size size, int offset, long imm) -> {
                Riscv64Reg base = e.use(o.get(0), T1);
                // Only the stored bytes matter: their sign-extension is the shortest to build.
                int unused = 64 - 8 * size.bytes;
                Riscv64Reg v = e.constant(imm << unused >> unused, T2);
                Mem m = mem(base, offset, T3);
                e.store(StoreOp.of(size), v, m.base(), m.offset());
            }
            case MOp.Atomic a -> atomic(a, o);
            case MOp.CmpXchg x -> cmpxchg(x, o);
            case MOp.PoolLoad(var entry) -> {
                Riscv64Reg d = e.dst(o.get(0));
                e.poolLoad(d, entry);
                e.commit(o.get(0), d);
            }
            case MOp.CallOut c -> {
                e.note("call " + c.entry() + (c.slot() >= 0 ? " (slot " + c.slot() + ")" : ""));
                e.poolCall(c.entry());
            }
            case MOp.CallLocal c -> e.callFunction(c.function());
            case MOp.CallAddress c -> {
                Riscv64Reg target = e.use(o.get(1), T1);
                e.emit(new Riscv64Insn.Jalr(RA, target, 0));
            }
            case MOp.Params p -> {
            }
            case MOp.CheckDepth(int slot) -> {
                // The limit the entry stored at [anchor]: the frame top of depth MAX_FRAMES.
                Riscv64Reg fp = e.use(o.get(0), T1);
                e.emit(new Riscv64Insn.Load(LoadOp.LD, T4, Riscv64Machine.ANCHOR, 0));
                e.branch(BranchOp.BGEU, fp, T4, e.callDepthStub(slot));
            }
            case MOp.Trap t -> e.runtimeError(t.error(), t.slot(), t.detail());
            case MOp.Branch b -> throw new IllegalStateException("terminator inside a block");
            case MOp.BranchImm b -> throw new IllegalStateException("terminator inside a block");
            case MOp.Jump j -> throw new IllegalStateException("terminator inside a block");
            case MOp.Return r -> throw new IllegalStateException("terminator inside a block");
        }
    }

    // ---- arithmetic --------------------------------------------------------------------------

    private void alu(MOp.Alu a, List<Operand> o) {
        Riscv64Reg x = e.use(o.get(1), T1), y = e.use(o.get(2), T2);
        Riscv64Reg d = e.dst(o.get(0));
        boolean w = a.w32();
        boolean zext = w;
        switch (a.op()) {
            case ADD -> e.alu(w ? AluOp.ADDW : AluOp.ADD, d, x, y);
            case SUB -> e.alu(w ? AluOp.SUBW : AluOp.SUB, d, x, y);
            case MUL -> e.alu(w ? AluOp.MULW : AluOp.MUL, d, x, y);
            case AND, OR, XOR -> {
                // Two zero-extended inputs give a zero-extended result.
                e.alu(logical(a.op()), d, x, y);
                zext = false;
            }
            case SHL -> e.alu(w ? AluOp.SLLW : AluOp.SLL, d, x, y);
            case LSHR -> e.alu(w ? AluOp.SRLW : AluOp.SRL, d, x, y);
            case ASHR -> e.alu(w ? AluOp.SRAW : AluOp.SRA, d, x, y);
            case UDIV -> e.emitAll(Riscv64Sequences.quotient(w ? AluOp.DIVUW : AluOp.DIVU, d, x, y, T4, false));
            case SDIV -> e.emitAll(Riscv64Sequences.quotient(w ? AluOp.DIVW : AluOp.DIV, d, x, y, T4, false));
            // RISC-V's remainder by zero is the dividend, and MIN % -1 is 0: BPF's rules.
            case UREM -> e.alu(w ? AluOp.REMUW : AluOp.REMU, d, x, y);
            case SREM -> e.alu(w ? AluOp.REMW : AluOp.REM, d, x, y);
        }
        if (zext && !e.upper.lowOnly(o.get(0).reg())) zext(d, d);
        e.commit(o.get(0), d);
    }

    private void aluImm(MOp.AluImm a, List<Operand> o) {
        Riscv64Reg x = e.use(o.get(1), T1);
        Riscv64Reg d = e.dst(o.get(0));
        boolean w = a.w32();
        // For 32-bit operations only the low 32 bits count: sign-extending them gives the
        // shortest materialisation and the widest use of 12-bit immediates.
        long k = w ? (int) a.imm() : a.imm();
        boolean zext = w;
        switch (a.op()) {
            case ADD -> {
                if (Imm12.fits(k)) e.aluImm(w ? AluImmOp.ADDIW : AluImmOp.ADDI, d, x, (int) k);
                else e.alu(w ? AluOp.ADDW : AluOp.ADD, d, x, e.constant(k, T2));
            }
            case SUB -> {
                if (Imm12.fits(-k)) e.aluImm(w ? AluImmOp.ADDIW : AluImmOp.ADDI, d, x, (int) -k);
                else e.alu(w ? AluOp.SUBW : AluOp.SUB, d, x, e.constant(k, T2));
            }
            case MUL -> e.alu(w ? AluOp.MULW : AluOp.MUL, d, x, e.constant(k, T2));
            case AND, OR, XOR -> {
                int ones = Long.numberOfTrailingZeros(~k);
                if (a.op() == BinaryOp.AND && !Imm12.fits(k) && ones < 64 && (k >>> ones) == 0) {
                    // A mask of the low n bits: shifted out and back rather than materialised.
                    e.aluImm(AluImmOp.SLLI, d, x, 64 - ones);
                    e.aluImm(AluImmOp.SRLI, d, d, 64 - ones);
                } else if (Imm12.fits(k)) {
                    AluImmOp op = switch (a.op()) {
                        case AND -> AluImmOp.ANDI;
                        case OR -> AluImmOp.ORI;
                        default -> AluImmOp.XORI;
                    };
                    e.aluImm(op, d, x, (int) k);
                } else {
                    e.alu(logical(a.op()), d, x, e.constant(k, T2));
                }
                // x has no upper bits: only `or`/`xor` with a negative (sign-extended) k set them.
                zext = w && a.op() != BinaryOp.AND && k < 0;
            }
            case SHL -> {
                int s = (int) (a.imm() & (w ? 31 : 63));
                if (w && e.upper.lowOnly(o.get(0).reg())) {
                    e.aluImm(AluImmOp.SLLIW, d, x, s);
                } else if (w) {
                    e.aluImm(AluImmOp.SLLI, d, x, 32 + s);
                    e.aluImm(AluImmOp.SRLI, d, d, 32);
                } else {
                    e.aluImm(AluImmOp.SLLI, d, x, s);
                }
                zext = false;
            }
            case LSHR -> {
                // A zero-extended input shifted right stays zero-extended.
                e.aluImm(AluImmOp.SRLI, d, x, (int) (a.imm() & (w ? 31 : 63)));
                zext = false;
            }
            case ASHR -> e.aluImm(w ? AluImmOp.SRAIW : AluImmOp.SRAI, d, x, (int) (a.imm() & (w ? 31 : 63)));
            // The selector folds division by 0 and signed division by -1: no guard.
            case UDIV -> e.alu(w ? AluOp.DIVUW : AluOp.DIVU, d, x, e.constant(k, T2));
            case SDIV -> e.alu(w ? AluOp.DIVW : AluOp.DIV, d, x, e.constant(k, T2));
            case UREM -> e.alu(w ? AluOp.REMUW : AluOp.REMU, d, x, e.constant(k, T2));
            case SREM -> e.alu(w ? AluOp.REMW : AluOp.REM, d, x, e.constant(k, T2));
        }
        if (zext && !e.upper.lowOnly(o.get(0).reg())) zext(d, d);
        e.commit(o.get(0), d);
    }

    private static AluOp logical(BinaryOp op) {
        return switch (op) {
            case AND -> AluOp.AND;
            case OR -> AluOp.OR;
            case XOR -> AluOp.XOR;
            default -> throw new IllegalArgumentException(op.toString());
        };
    }

    private void extend(MOp.Ext x, List<Operand> o) {
        Riscv64Reg a = e.use(o.get(1), T1), d = e.dst(o.get(0));
        int from = x.fromBits();
        if (!x.signed()) {
            switch (from) {
                case 8 -> e.aluImm(AluImmOp.ANDI, d, a, 0xff);
                case 16 -> {
                    e.aluImm(AluImmOp.SLLI, d, a, 48);
                    e.aluImm(AluImmOp.SRLI, d, d, 48);
                }
                default -> zext32(d, a, o);
            }
        } else if (from == 32) {
            if (x.to32()) zext32(d, a, o);
            else e.emit(Riscv64Sequences.sext32(d, a));
        } else if (x.to32()) {
            // The sign bit to bit 63, back down to bit 31 with copies of it, then the upper half
            // cleared: three instructions for sign-extension to 32 bits, zero-extended.
            e.aluImm(AluImmOp.SLLI, d, a, 64 - from);
            e.aluImm(AluImmOp.SRAI, d, d, 32 - from);
            e.aluImm(AluImmOp.SRLI, d, d, 32);
        } else {
            e.aluImm(AluImmOp.SLLI, d, a, 64 - from);
            e.aluImm(AluImmOp.SRAI, d, d, 64 - from);
        }
        e.commit(o.get(0), d);
    }

    /// d = c != 0 ? t : f. No conditional move in RV64IMA: a short forward branch over one
    /// move, or, when d is the condition's register, `f ^ ((t ^ f) & -(c != 0))`.
    private void select(Riscv64Reg d, Riscv64Reg c, Riscv64Reg t, Riscv64Reg f) {
        if (t == f) {
            e.mv(d, t);
            return;
        }
        Label skip = e.buf.label("select");
        if (d == f) {
            e.branch(BranchOp.BEQ, c, ZERO, skip);
            e.mv(d, t);
        } else if (d == t) {
            e.branch(BranchOp.BNE, c, ZERO, skip);
            e.mv(d, f);
        } else if (d != c) {
            e.mv(d, f);
            e.branch(BranchOp.BEQ, c, ZERO, skip);
            e.mv(d, t);
        } else {
            e.alu(AluOp.SLTU, T4, ZERO, c);
            e.alu(AluOp.SUB, T4, ZERO, T4);
            e.alu(AluOp.XOR, T0, t, f);
            e.alu(AluOp.AND, T0, T0, T4);
            e.alu(AluOp.XOR, d, f, T0);
            return;
        }
        e.buf.bind(skip);
    }

    // ---- compares ----------------------------------------------------------------------------

    /// d = (a cond b) on 64-bit values (JSET excluded).
    private void setCond(Cond cond, Riscv64Reg d, Riscv64Reg a, Riscv64Reg b) {
        switch (cond) {
            case JEQ -> {
                e.alu(AluOp.XOR, T3, a, b);
                e.aluImm(AluImmOp.SLTIU, d, T3, 1);
            }
            case JNE -> {
                e.alu(AluOp.XOR, T3, a, b);
                e.alu(AluOp.SLTU, d, ZERO, T3);
            }
            case JLT -> e.alu(AluOp.SLTU, d, a, b);
            case JGT -> e.alu(AluOp.SLTU, d, b, a);
            case JGE -> {
                e.alu(AluOp.SLTU, d, a, b);
                e.aluImm(AluImmOp.XORI, d, d, 1);
            }
            case JLE -> {
                e.alu(AluOp.SLTU, d, b, a);
                e.aluImm(AluImmOp.XORI, d, d, 1);
            }
            case JSLT -> e.alu(AluOp.SLT, d, a, b);
            case JSGT -> e.alu(AluOp.SLT, d, b, a);
            case JSGE -> {
                e.alu(AluOp.SLT, d, a, b);
                e.aluImm(AluImmOp.XORI, d, d, 1);
            }
            case JSLE -> {
                e.alu(AluOp.SLT, d, b, a);
                e.aluImm(AluImmOp.XORI, d, d, 1);
            }
            case JSET -> throw new IllegalArgumentException("jset");
        }
    }

    /// d = (the low `width` bits of v) != 0.
    private void setIfNonZero(Riscv64Reg d, Riscv64Reg v, Width width) {
        if (width == Width.W32) {
            e.aluImm(AluImmOp.SLLI, T3, v, 32);
            v = T3;
        }
        e.alu(AluOp.SLTU, d, ZERO, v);
    }

    private void setCondImm(MOp.SetCondImm s, List<Operand> o) {
        Riscv64Reg a = e.use(o.get(1), T1), d = e.dst(o.get(0));
        boolean w = s.width() == Width.W32;
        long k = w ? (int) s.imm() : s.imm();
        Cond cond = s.cond();
        if (cond == Cond.JSET) {
            if (Imm12.fits(k)) e.aluImm(AluImmOp.ANDI, T3, a, (int) k);
            else e.alu(AluOp.AND, T3, a, e.constant(k, T2));
            setIfNonZero(d, T3, s.width());
            e.commit(o.get(0), d);
            return;
        }
        if ((cond == Cond.JEQ || cond == Cond.JNE) && w && !e.upper.compareAsIs(cond, o.get(1).reg(), null) && Imm12.fits(-k)) {
            Riscv64Reg diff = lowDifference(a, k);
            if (cond == Cond.JEQ) e.aluImm(AluImmOp.SLTIU, d, diff, 1);
            else e.alu(AluOp.SLTU, d, ZERO, diff);
            e.commit(o.get(0), d);
            return;
        }
        if (w && e.upper.compareAsIs(cond, o.get(1).reg(), null)) k = s.imm() & 0xffff_ffffL;
        else if (w) a = sext(T1, a);
        switch (cond) {
            case JEQ, JNE -> {
                Riscv64Reg diff = a;
                if (k != 0) {
                    if (Imm12.fits(-k)) e.aluImm(AluImmOp.ADDI, T3, a, (int) -k);
                    else e.alu(AluOp.XOR, T3, a, e.constant(k, T2));
                    diff = T3;
                }
                if (cond == Cond.JEQ) e.aluImm(AluImmOp.SLTIU, d, diff, 1);
                else e.alu(AluOp.SLTU, d, ZERO, diff);
            }
            case JLT, JGE, JSLT, JSGE -> {
                boolean signed = cond == Cond.JSLT || cond == Cond.JSGE;
                if (Imm12.fits(k)) e.aluImm(signed ? AluImmOp.SLTI : AluImmOp.SLTIU, d, a, (int) k);
                else e.alu(signed ? AluOp.SLT : AluOp.SLTU, d, a, e.constant(k, T2));
                if (cond == Cond.JGE || cond == Cond.JSGE) e.aluImm(AluImmOp.XORI, d, d, 1);
            }
            default -> setCond(cond, d, a, e.constant(k, T2));
        }
        e.commit(o.get(0), d);
    }

    /// The compare of `Branch`: operands `a, b`.
    Test branch(MOp.Branch br, List<Operand> o) {
        Riscv64Reg a = e.use(o.get(0), T1), b = e.use(o.get(1), T2);
        if (br.cond() == Cond.JSET) {
            e.alu(AluOp.AND, T3, a, b);
            return nonZero(T3, br.width());
        }
        if (br.width() == Width.W32 && !e.upper.compareAsIs(br.cond(), o.get(0).reg(), o.get(1).reg())) {
            a = sext(T1, a);
            b = sext(T2, b);
        }
        return test(br.cond(), a, b);
    }

    /// The compare of `BranchImm`: operand `a`.
    Test branchImm(MOp.BranchImm br, List<Operand> o) {
        Riscv64Reg a = e.use(o.get(0), T1);
        boolean w = br.width() == Width.W32;
        long k = w ? (int) br.imm() : br.imm();
        if (br.cond() == Cond.JSET) {
            if (Imm12.fits(k)) e.aluImm(AluImmOp.ANDI, T3, a, (int) k);
            else e.alu(AluOp.AND, T3, a, e.constant(k, T2));
            return nonZero(T3, br.width());
        }
        boolean asIs = w && e.upper.compareAsIs(br.cond(), o.get(0).reg(), null);
        if ((br.cond() == Cond.JEQ || br.cond() == Cond.JNE) && w && !asIs && Imm12.fits(-k)) {
            return test(br.cond(), lowDifference(a, k), ZERO);
        }
        if (asIs) k = br.imm() & 0xffff_ffffL;
        else if (w) a = sext(T1, a);
        return test(br.cond(), a, e.constant(k, T2));
    }

    /// t3 = the low 32 bits of a minus k, sign-extended (`addiw`): zero exactly when the low half
    /// of `a` equals k's, for 32-bit equality against a 12-bit immediate in one instruction.
    private Riscv64Reg lowDifference(Riscv64Reg a, long k) {
        e.aluImm(AluImmOp.ADDIW, T3, a, (int) -k);
        return T3;
    }

    private Test nonZero(Riscv64Reg v, Width width) {
        if (width == Width.W32) {
            e.aluImm(AluImmOp.SLLI, T3, v, 32);
            v = T3;
        }
        return new Test(BranchOp.BNE, v, ZERO);
    }

    /// No bgt/ble encodings: blt/bge with the operands swapped (unpriv. §2.5.2).
    private static Test test(Cond cond, Riscv64Reg a, Riscv64Reg b) {
        return switch (cond) {
            case JEQ -> new Test(BranchOp.BEQ, a, b);
            case JNE -> new Test(BranchOp.BNE, a, b);
            case JGT -> new Test(BranchOp.BLTU, b, a);
            case JGE -> new Test(BranchOp.BGEU, a, b);
            case JLT -> new Test(BranchOp.BLTU, a, b);
            case JLE -> new Test(BranchOp.BGEU, b, a);
            case JSGT -> new Test(BranchOp.BLT, b, a);
            case JSGE -> new Test(BranchOp.BGE, a, b);
            case JSLT -> new Test(BranchOp.BLT, a, b);
            case JSLE -> new Test(BranchOp.BGE, b, a);
            case JSET -> throw new IllegalArgumentException("jset");
        };
    }

    // ---- memory ------------------------------------------------------------------------------

    private record Mem(Riscv64Reg base, int offset) {
    }

    /// `offset(base)` when the offset fits 12 bits, else `0(tmp)` with tmp = base + offset.
    private Mem mem(Riscv64Reg base, int offset, Riscv64Reg tmp) {
        if (Imm12.fits(offset)) return new Mem(base, offset);
        e.li(tmp, offset);
        e.alu(AluOp.ADD, tmp, tmp, base);
        return new Mem(tmp, 0);
    }

    /// A register holding base + offset (A-extension instructions take no offset). `into` may
    /// be `base`; `tmp` holds a wide offset.
    private Riscv64Reg address(Riscv64Reg base, int offset, Riscv64Reg into, Riscv64Reg tmp) {
        if (offset == 0) return base;
        if (Imm12.fits(offset)) {
            e.addi(into, base, offset);
        } else {
            e.li(tmp, offset);
            e.alu(AluOp.ADD, into, base, tmp);
        }
        return into;
    }

    /// A-extension AMOs (unpriv. §8.4), `.aqrl` so each is a full barrier as in Linux (and at
    /// -O0). A 32-bit AMO returns the old value sign-extended: zero-extended here.
    private void atomic(MOp.Atomic a, List<Operand> o) {
        int at = a.fetch() ? 1 : 0;
        Riscv64Reg base = e.use(o.get(at), T1), v = e.use(o.get(at + 1), T2);
        Riscv64Reg addr = address(base, a.offset(), T3, T4);
        Riscv64Insn.Width width = a.size() == Size.DW ? Riscv64Insn.Width.D : Riscv64Insn.Width.W;
        AmoOp op = switch (a.op()) {
            case ADD -> AmoOp.AMOADD;
            case OR -> AmoOp.AMOOR;
            case AND -> AmoOp.AMOAND;
            case XOR -> AmoOp.AMOXOR;
            case XCHG -> AmoOp.AMOSWAP;
            case CMPXCHG -> throw new IllegalArgumentException("cmpxchg is MOp.CmpXchg");
        };
        if (!a.fetch()) {
            e.emit(new Riscv64Insn.Amo(op, width, Ordering.AQRL, ZERO, v, addr));
            return;
        }
        Riscv64Reg d = e.dst(o.get(0));
        e.emit(new Riscv64Insn.Amo(op, width, Ordering.AQRL, d, v, addr));
        if (width == Riscv64Insn.Width.W) zext(d, d);
        e.commit(o.get(0), d);
    }

    /// `cmpxchg` as an lr/sc loop (unpriv. §8.2) that always stores, the old value when the
    /// comparison fails, as the interpreter and the -O0 code do. `lr.w` sign-extends, so a 32-bit
    /// expected value is compared sign-extended. The old value stays in t4 until the loop is done
    /// (d may be one of the operands); t0 receives the sc status.
    private void cmpxchg(MOp.CmpXchg x, List<Operand> o) {
        Riscv64Reg base = e.use(o.get(1), T1), expected = e.use(o.get(2), T2), replacement = e.use(o.get(3), T3);
        Riscv64Reg addr = address(base, x.offset(), T1, T0);
        Riscv64Insn.Width width = x.size() == Size.DW ? Riscv64Insn.Width.D : Riscv64Insn.Width.W;
        if (width == Riscv64Insn.Width.W) expected = sext(T2, expected);
        Label retry = e.buf.label("cmpxchg_retry"), fail = e.buf.label("cmpxchg_fail"), done = e.buf.label("cmpxchg_done");
        e.buf.bind(retry);
        e.emit(new Riscv64Insn.LoadReserved(width, Ordering.AQRL, T4, addr));
        e.branch(BranchOp.BNE, T4, expected, fail);
        e.emit(new Riscv64Insn.StoreConditional(width, Ordering.AQRL, T0, replacement, addr));
        e.branch(BranchOp.BNE, T0, ZERO, retry);
        e.jump(done);
        e.buf.bind(fail);
        e.emit(new Riscv64Insn.StoreConditional(width, Ordering.AQRL, T0, T4, addr));
        e.branch(BranchOp.BNE, T0, ZERO, retry);
        e.buf.bind(done);
        Riscv64Reg d = e.dst(o.get(0));
        if (width == Riscv64Insn.Width.W) zext(d, T4);
        else e.mv(d, T4);
        e.commit(o.get(0), d);
    }

    // ---- helpers -----------------------------------------------------------------------------

    private void zext(Riscv64Reg d, Riscv64Reg s) {
        e.emitAll(Riscv64Sequences.zext32(d, s));
    }

    /// `d` = the low 32 bits of `s` zero-extended, for the operands `o` (def, source): a copy
    /// when they already are, or when only the low half of `d` is ever read.
    private void zext32(Riscv64Reg d, Riscv64Reg s, List<Operand> o) {
        if (e.upper.zeroUpper(o.get(1).reg()) || e.upper.lowOnly(o.get(0).reg())) e.mv(d, s);
        else zext(d, s);
    }

    /// `into` = sext.w(r).
    private Riscv64Reg sext(Riscv64Reg into, Riscv64Reg r) {
        e.emit(Riscv64Sequences.sext32(into, r));
        return into;
    }
}
