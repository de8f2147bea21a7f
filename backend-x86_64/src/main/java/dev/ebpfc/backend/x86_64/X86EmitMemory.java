package dev.ebpfc.backend.x86_64;

import static dev.ebpfc.backend.x86_64.X86Machine.SCRATCH;
import static dev.ebpfc.backend.x86_64.X86Machine.SCRATCH2;

import dev.ebpfc.backend.CodeBuffer;
import dev.ebpfc.backend.CodeBuffer.Label;
import dev.ebpfc.backend.mir.Reg;
import dev.ebpfc.backend.select.MOp;
import dev.ebpfc.frontend.insn.AtomicOp;
import dev.ebpfc.frontend.insn.Size;

/// The -O2 emitter's memory operations ([MOp.Load], [MOp.Store], [MOp.StoreImm], [MOp.Atomic],
/// [MOp.CmpXchg]) over allocated operands: `disp(base)` addressing with BPF's 16-bit offset,
/// a spilled base read into r11, a spilled value into r10.
final class X86EmitMemory {
    private final CodeBuffer<X86Insn> buf;
    private final X86Operands ops;

    X86EmitMemory(CodeBuffer<X86Insn> buf, X86Operands ops) {
        this.buf = buf;
        this.ops = ops;
    }

    private void emit(X86Insn i) {
        buf.emit(i);
    }

    private static OpSize size(Size s) {
        return OpSize.ofBytes(s.bytes);
    }

    void load(MOp.Load op, Reg d, Reg base) {
        X86Mem m = new X86Mem(ops.read(base, SCRATCH), op.offset());
        X86Reg t = ops.target(d, SCRATCH);
        emit(new X86Insn.Load(X86Insn.Extend.load(op.size(), op.signed()), t, m));
        ops.commit(d, t);
    }

    void store(MOp.Store op, Reg base, Reg value) {
        X86Mem m = new X86Mem(ops.read(base, SCRATCH), op.offset());
        emit(new X86Insn.Store(size(op.size()), m, ops.read(value, SCRATCH2)));
    }

    void storeImm(MOp.StoreImm op, Reg base) {
        X86Mem m = new X86Mem(ops.read(base, SCRATCH), op.offset());
        emit(new X86Insn.StoreImm(size(op.size()), m, (int) op.imm()));
    }

    /// Read-modify-write. `lock add/or/and/xor` without fetch; `lock xadd` and `xchg` (locked by
    /// the processor) return the old value in their source register, here r11; fetching
    /// or/and/xor have no x86 instruction and loop on `lock cmpxchg` through rax, with the
    /// operand in rcx when it is not in a register the loop leaves alone (rax and rcx are
    /// clobbered for this operation: [X86Machine#clobbers]).
    void atomic(MOp.Atomic op, Reg d, Reg base, Reg value) {
        OpSize sz = size(op.size());
        X86Insn.AluOp alu = switch (op.op()) {
            case ADD -> X86Insn.AluOp.ADD;
            case OR -> X86Insn.AluOp.OR;
            case AND -> X86Insn.AluOp.AND;
            case XOR -> X86Insn.AluOp.XOR;
            case XCHG -> null;
            case CMPXCHG -> throw new IllegalStateException("cmpxchg is MOp.CmpXchg");
        };
        if (!op.fetch() && alu != null) {
            X86Mem m = new X86Mem(ops.read(base, SCRATCH), op.offset());
            emit(new X86Insn.LockAlu(alu, sz, m, ops.read(value, SCRATCH2)));
            return;
        }
        if (op.op() == AtomicOp.ADD || op.op() == AtomicOp.XCHG) {
            X86Mem m = new X86Mem(ops.read(base, SCRATCH2), op.offset());
            ops.load(SCRATCH, value);
            emit(op.op() == AtomicOp.ADD ? new X86Insn.LockXadd(sz, m, SCRATCH) : new X86Insn.Xchg(sz, m, SCRATCH));
            // A 32-bit xadd/xchg writes r11d, zero-extended: the fetched value as MOp wants it.
            if (d != null) ops.commit(d, SCRATCH);
            return;
        }
        // The address first: the base may be in rax or rcx, which the loop takes.
        emit(new X86Insn.Lea(SCRATCH2, new X86Mem(ops.read(base, SCRATCH2), op.offset())));
        X86Reg v = ops.regOf(value);
        if (v == null || v == X86Reg.RAX) {
            ops.load(X86Reg.RCX, value);
            v = X86Reg.RCX;
        }
        X86Mem at = new X86Mem(SCRATCH2, 0);
        emit(new X86Insn.Load(sz == OpSize.Q ? X86Insn.Extend.MOVQ : X86Insn.Extend.MOVL, X86Reg.RAX, at));
        Label retry = buf.label("cmpxchg_retry");
        buf.bind(retry);
        emit(new X86Insn.MovRR(OpSize.Q, SCRATCH, X86Reg.RAX));
        emit(new X86Insn.AluRR(alu, sz, SCRATCH, v));
        emit(new X86Insn.LockCmpxchg(sz, at, SCRATCH));
        buf.emit(new X86LabelRefs.Jcc(X86Cond.NE), retry);
        // On failure cmpxchg loaded the current value into rax; on success rax is the old value.
        X86Reg t = ops.target(d, SCRATCH);
        emit(new X86Insn.MovRR(sz, t, X86Reg.RAX));
        ops.commit(d, t);
    }

    /// `lock cmpxchg` compares with rax and loads the old value there (rax is clobbered for this
    /// operation). A successful 32-bit one leaves rax as it was, so the result is rax's low half.
    void cmpxchg(MOp.CmpXchg op, Reg d, Reg base, Reg expected, Reg replacement) {
        OpSize sz = size(op.size());
        X86Reg b = ops.read(base, SCRATCH2);
        if (b == X86Reg.RAX) {
            emit(new X86Insn.MovRR(OpSize.Q, SCRATCH2, b));
            b = SCRATCH2;
        }
        X86Reg r = ops.regOf(replacement);
        if (r == null || r == X86Reg.RAX) {
            ops.load(SCRATCH, replacement);
            r = SCRATCH;
        }
        ops.load(X86Reg.RAX, expected);
        emit(new X86Insn.LockCmpxchg(sz, new X86Mem(b, op.offset()), r));
        X86Reg t = ops.target(d, SCRATCH);
        emit(new X86Insn.MovRR(sz, t, X86Reg.RAX));
        ops.commit(d, t);
    }
}
