package dev.ebpfc.backend.x86_64;

import static dev.ebpfc.backend.x86_64.X86Machine.SCRATCH;
import static dev.ebpfc.backend.x86_64.X86Machine.SCRATCH2;

import dev.ebpfc.backend.CodeBuffer;
import dev.ebpfc.backend.mir.Reg;
import dev.ebpfc.backend.select.MOp;
import dev.ebpfc.frontend.insn.Cond;
import dev.ebpfc.frontend.insn.Width;
import dev.ebpfc.ir.BinaryOp;
import dev.ebpfc.ir.UnaryOp;

/// The -O2 emitter's register operations ([MOp.Imm], [MOp.Alu], [MOp.AluImm], [MOp.Un],
/// [MOp.Ext], [MOp.Trunc], [MOp.Swap], [MOp.SetCond], [MOp.SetCondImm], [MOp.Select], and the
/// compare of a branch) over allocated operands.
///
/// x86 ALU instructions are two-address (`op src, dst` overwrites dst), so `d = a op b` becomes
/// `mov a → t; op b, t` with `t` = d's register, unless d shares b's register and the operation
/// is not commutative: then `t` is a scratch register (or, for `sub`, `neg d; add a, d`). 32-bit
/// forms write the low half and clear the high half, which is the value representation of
/// [MOp]; their inputs are already zero-extended, so a shift by a count of 0 (which writes
/// nothing) still leaves a zero-extended value.
final class X86EmitAlu {
    private final CodeBuffer<X86Insn> buf;
    private final X86Operands ops;

    X86EmitAlu(CodeBuffer<X86Insn> buf, X86Operands ops) {
        this.buf = buf;
        this.ops = ops;
    }

    private void emit(X86Insn i) {
        buf.emit(i);
    }

    private static OpSize size(boolean w32) {
        return w32 ? OpSize.L : OpSize.Q;
    }

    static OpSize size(Width w) {
        return w == Width.W32 ? OpSize.L : OpSize.Q;
    }

    void imm(long value, Reg d) {
        X86Reg t = ops.regOf(d);
        if (t == null) {
            if (value == (int) value) {
                emit(new X86Insn.StoreImm(OpSize.Q, ops.slotOf(d), (int) value));
                return;
            }
            t = SCRATCH;
        }
        // xor clears the whole register in 2–3 bytes; it changes flags, but no MOp sits between a
        // compare and its branch.
        if (value == 0) emit(new X86Insn.AluRR(X86Insn.AluOp.XOR, OpSize.L, t, t));
        else emit(new X86Insn.MovRI(OpSize.Q, t, value));
        ops.commit(d, t);
    }

    void alu(MOp.Alu op, Reg d, Reg a, Reg b) {
        OpSize sz = size(op.w32());
        BinaryOp o = op.op();
        if (o.isDivision()) {
            emit(new X86Insn.MovRR(sz, X86Division.DIVISOR, ops.read(b, X86Division.DIVISOR)));
            divide(o, sz, d, a, true);
            return;
        }
        if (o.isShift()) {
            shiftByRegister(o, sz, d, a, b);
            return;
        }
        X86Reg dr = ops.regOf(d), ar = ops.regOf(a), br = ops.regOf(b);
        if (dr != null && dr == ar) {
            twoAddress(o, sz, dr, b, SCRATCH);
            return;
        }
        if (dr != null && dr == br) {
            if (o.commutative) {
                // d = b op a, in place.
                twoAddress(o, sz, dr, ops.read(a, SCRATCH));
                return;
            }
            if (o == BinaryOp.SUB) {
                emit(new X86Insn.Unary(X86Insn.UnaryOp.NEG, sz, dr));
                emit(new X86Insn.AluRR(X86Insn.AluOp.ADD, sz, dr, ops.read(a, SCRATCH)));
                return;
            }
        }
        X86Reg t = dr != null && dr != br ? dr : SCRATCH;
        ops.load(t, a);
        twoAddress(o, sz, t, b, SCRATCH2);
        ops.commit(d, t);
    }

    /// `t = t op b`; a spilled b is the instruction's memory operand (imul reloads it into `via`).
    private void twoAddress(BinaryOp o, OpSize sz, X86Reg t, Reg b, X86Reg via) {
        X86Mem m = ops.slotOf(b);
        if (m == null || o == BinaryOp.MUL) {
            twoAddress(o, sz, t, ops.read(b, via));
            return;
        }
        X86Insn.AluOp alu = switch (o) {
            case ADD -> X86Insn.AluOp.ADD;
            case SUB -> X86Insn.AluOp.SUB;
            case AND -> X86Insn.AluOp.AND;
            case OR -> X86Insn.AluOp.OR;
            case XOR -> X86Insn.AluOp.XOR;
            default -> throw new IllegalStateException(o.toString());
        };
        emit(new X86Insn.AluRM(alu, sz, t, m));
    }

    private void twoAddress(BinaryOp o, OpSize sz, X86Reg t, X86Reg src) {
        switch (o) {
            case ADD -> emit(new X86Insn.AluRR(X86Insn.AluOp.ADD, sz, t, src));
            case SUB -> emit(new X86Insn.AluRR(X86Insn.AluOp.SUB, sz, t, src));
            case AND -> emit(new X86Insn.AluRR(X86Insn.AluOp.AND, sz, t, src));
            case OR -> emit(new X86Insn.AluRR(X86Insn.AluOp.OR, sz, t, src));
            case XOR -> emit(new X86Insn.AluRR(X86Insn.AluOp.XOR, sz, t, src));
            case MUL -> emit(new X86Insn.ImulRR(sz, t, src));
            default -> throw new IllegalStateException(o.toString());
        }
    }

    /// The count must be in cl. rcx is clobbered by the shift ([X86Machine#clobbers]), so it holds
    /// nothing live but maybe a or b themselves; a is copied to the result register first (never
    /// rcx: a def cannot sit in a clobbered register), then the count to rcx.
    private void shiftByRegister(BinaryOp o, OpSize sz, Reg d, Reg a, Reg b) {
        X86Reg dr = ops.regOf(d), br = ops.regOf(b);
        X86Reg t = dr != null && dr != br ? dr : SCRATCH;
        ops.load(t, a);
        ops.load(X86Reg.RCX, b);
        emit(new X86Insn.ShiftRCl(shiftOp(o), sz, t));
        ops.commit(d, t);
    }

    private static X86Insn.ShiftOp shiftOp(BinaryOp o) {
        return switch (o) {
            case SHL -> X86Insn.ShiftOp.SHL;
            case LSHR -> X86Insn.ShiftOp.SHR;
            case ASHR -> X86Insn.ShiftOp.SAR;
            default -> throw new IllegalStateException(o.toString());
        };
    }

    void aluImm(MOp.AluImm op, Reg d, Reg a) {
        OpSize sz = size(op.w32());
        BinaryOp o = op.op();
        int k = (int) op.imm(); // 32-bit operations read the low half; 64-bit ones fit (the selector checks)
        if (o.isDivision()) {
            emit(sz == OpSize.Q ? new X86Insn.MovRI(OpSize.Q, X86Division.DIVISOR, op.imm())
                    : new X86Insn.MovRI(OpSize.L, X86Division.DIVISOR, k & 0xffffffffL));
            divide(o, sz, d, a, false);
            return;
        }
        X86Reg dr = ops.regOf(d), ar = ops.regOf(a);
        if (o == BinaryOp.MUL) {
            X86Reg t = dr != null ? dr : SCRATCH;
            emit(new X86Insn.ImulRRI(sz, t, ops.read(a, SCRATCH2), k));
            ops.commit(d, t);
            return;
        }
        if (o == BinaryOp.ADD && sz == OpSize.Q && dr != null && ar != null && dr != ar) {
            // Three-address add: lea imm(a), d.
            emit(new X86Insn.Lea(dr, new X86Mem(ar, k)));
            return;
        }
        X86Reg t = dr != null ? dr : SCRATCH;
        ops.load(t, a);
        switch (o) {
            case ADD -> emit(new X86Insn.AluRI(X86Insn.AluOp.ADD, sz, t, k));
            case SUB -> emit(new X86Insn.AluRI(X86Insn.AluOp.SUB, sz, t, k));
            case AND -> emit(new X86Insn.AluRI(X86Insn.AluOp.AND, sz, t, k));
            case OR -> emit(new X86Insn.AluRI(X86Insn.AluOp.OR, sz, t, k));
            case XOR -> emit(new X86Insn.AluRI(X86Insn.AluOp.XOR, sz, t, k));
            case SHL, LSHR, ASHR -> {
                int count = k & (sz == OpSize.Q ? 63 : 31);
                if (count != 0) emit(new X86Insn.ShiftRI(shiftOp(o), sz, t, count));
            }
            default -> throw new IllegalStateException(o.toString());
        }
        ops.commit(d, t);
    }

    /// BPF division with the divisor already in r11 ([X86Division]): the dividend goes to rax
    /// (rax and rdx are clobbered, so d is in neither); `guard` when the divisor is a run-time
    /// value that may be 0 or -1 (an immediate never is).
    private void divide(BinaryOp o, OpSize sz, Reg d, Reg a, boolean guard) {
        boolean signed = o == BinaryOp.SDIV || o == BinaryOp.SREM;
        boolean mod = o == BinaryOp.UREM || o == BinaryOp.SREM;
        ops.load(X86Reg.RAX, a);
        X86Reg t = ops.target(d, SCRATCH2);
        Runnable core = () -> {
            X86Division.divide(buf, sz, signed);
            emit(new X86Insn.MovRR(sz, t, mod ? X86Reg.RDX : X86Reg.RAX));
        };
        if (!guard) {
            core.run();
        } else {
            X86Division.guarded(buf, sz, signed, core,
                    // x / 0 = 0; x % 0 = x (still in rax).
                    () -> {
                        if (mod) emit(new X86Insn.MovRR(sz, t, X86Reg.RAX));
                        else emit(new X86Insn.AluRR(X86Insn.AluOp.XOR, OpSize.L, t, t));
                    },
                    // x / -1 = -x (MIN wraps to MIN); x % -1 = 0.
                    () -> {
                        if (mod) {
                            emit(new X86Insn.AluRR(X86Insn.AluOp.XOR, OpSize.L, t, t));
                        } else {
                            emit(new X86Insn.MovRR(sz, t, X86Reg.RAX));
                            emit(new X86Insn.Unary(X86Insn.UnaryOp.NEG, sz, t));
                        }
                    });
        }
        ops.commit(d, t);
    }

    void unary(MOp.Un op, Reg d, Reg a) {
        X86Reg t = ops.target(d, SCRATCH);
        ops.load(t, a);
        emit(new X86Insn.Unary(op.op() == UnaryOp.NEG ? X86Insn.UnaryOp.NEG : X86Insn.UnaryOp.NOT, size(op.w32()), t));
        ops.commit(d, t);
    }

    void extend(MOp.Ext op, Reg d, Reg a) {
        X86Insn.Extend kind = switch (op.fromBits()) {
            case 8 -> !op.signed() ? X86Insn.Extend.MOVZBL : op.to32() ? X86Insn.Extend.MOVSBL : X86Insn.Extend.MOVSBQ;
            case 16 -> !op.signed() ? X86Insn.Extend.MOVZWL : op.to32() ? X86Insn.Extend.MOVSWL : X86Insn.Extend.MOVSWQ;
            case 32 -> !op.signed() || op.to32() ? X86Insn.Extend.MOVL : X86Insn.Extend.MOVSLQ;
            default -> throw new IllegalStateException("extend from " + op.fromBits());
        };
        if (kind == X86Insn.Extend.MOVL && ops.zeroExtended(a)) {
            trunc(d, a);
            return;
        }
        extend(kind, d, a);
    }

    void trunc(Reg d, Reg a) {
        if (ops.zeroExtended(a)) {
            // Already a zero-extended 32-bit value: a copy, nothing when it stays in place.
            ops.move(ops.location(d), ops.use(a), SCRATCH);
            return;
        }
        extend(X86Insn.Extend.MOVL, d, a);
    }

    /// d = a extended by `kind`; a spilled source is read from its slot (the low bytes come first).
    private void extend(X86Insn.Extend kind, Reg d, Reg a) {
        X86Reg t = ops.target(d, SCRATCH);
        X86Reg ar = ops.regOf(a);
        if (ar == null) {
            emit(new X86Insn.Load(kind, t, ops.slotOf(a)));
        } else if (kind == X86Insn.Extend.MOVL) {
            emit(new X86Insn.MovRR(OpSize.L, t, ar));
        } else {
            emit(new X86Insn.ExtendRR(kind, t, ar));
        }
        ops.commit(d, t);
    }

    void swap(MOp.Swap op, Reg d, Reg a) {
        X86Reg t = ops.target(d, SCRATCH);
        ops.load(t, a);
        switch (op.bits()) {
            case 16 -> {
                emit(new X86Insn.Bswap(OpSize.L, t));
                emit(new X86Insn.ShiftRI(X86Insn.ShiftOp.SHR, OpSize.L, t, 16));
            }
            case 32 -> emit(new X86Insn.Bswap(OpSize.L, t));
            case 64 -> emit(new X86Insn.Bswap(OpSize.Q, t));
            default -> throw new IllegalStateException("swap " + op.bits());
        }
        ops.commit(d, t);
    }

    /// Sets the flags for `a cond b` and returns the x86 condition that is then true.
    X86Cond compare(Cond cond, Width w, Reg a, Reg b) {
        OpSize sz = size(w);
        X86Reg ar = ops.read(a, SCRATCH);
        X86Mem bm = ops.slotOf(b);
        if (cond != Cond.JSET && bm != null) {
            emit(new X86Insn.AluRM(X86Insn.AluOp.CMP, sz, ar, bm));
            return X86Cond.of(cond);
        }
        X86Reg br = ops.read(b, SCRATCH2);
        if (cond == Cond.JSET) emit(new X86Insn.TestRR(sz, ar, br));
        else emit(new X86Insn.AluRR(X86Insn.AluOp.CMP, sz, ar, br));
        return X86Cond.of(cond);
    }

    /// [#compare] with an immediate (the low 32 bits at W32; a fitting simm32 at W64).
    X86Cond compareImm(Cond cond, Width w, Reg a, long imm) {
        OpSize sz = size(w);
        int k = (int) imm;
        X86Mem am = ops.slotOf(a);
        if (cond != Cond.JSET && am != null) {
            emit(new X86Insn.AluMI(X86Insn.AluOp.CMP, sz, am, k));
            return X86Cond.of(cond);
        }
        X86Reg ar = ops.read(a, SCRATCH);
        if (cond == Cond.JSET) emit(new X86Insn.TestRI(sz, ar, k));
        else if (k == 0 && (cond == Cond.JEQ || cond == Cond.JNE)) emit(new X86Insn.TestRR(sz, ar, ar));
        else emit(new X86Insn.AluRI(X86Insn.AluOp.CMP, sz, ar, k));
        return X86Cond.of(cond);
    }

    void setCond(X86Cond c, Reg d) {
        // After the compare: the scratch registers are free again.
        X86Reg t = ops.target(d, SCRATCH);
        emit(new X86Insn.Setcc(c, t));
        emit(new X86Insn.ExtendRR(X86Insn.Extend.MOVZBL, t, t));
        ops.commit(d, t);
    }

    /// d = c != 0 ? t : f, with `test` and `cmov` (moves and loads leave the flags alone).
    void select(Reg d, Reg c, Reg tv, Reg fv) {
        X86Reg cr = ops.read(c, SCRATCH);
        emit(new X86Insn.TestRR(OpSize.Q, cr, cr));
        X86Reg dr = ops.regOf(d);
        if (dr != null && dr == ops.regOf(tv)) {
            emit(new X86Insn.Cmov(X86Cond.E, OpSize.Q, dr, ops.read(fv, SCRATCH2)));
            return;
        }
        X86Reg t = dr != null ? dr : SCRATCH;
        ops.load(t, fv);
        emit(new X86Insn.Cmov(X86Cond.NE, OpSize.Q, t, ops.read(tv, SCRATCH2)));
        ops.commit(d, t);
    }
}
