package dev.ebpfc.backend.x86_64;

import dev.ebpfc.backend.CodeBuffer;
import dev.ebpfc.backend.CodeBuffer.Label;

/// BPF division on x86_64, shared by the -O0 lowering and the -O2 emitter. BPF's division is
/// total (RFC 9669 §4.1): x / 0 = 0, x % 0 = x, and for signed forms MIN / -1 = MIN (where x86
/// raises #DE) and MIN % -1 = 0. The divisor is always in r11 ([#DIVISOR]); `div`/`idiv` take
/// the dividend in rdx:rax and leave the quotient in rax, the remainder in rdx.
final class X86Division {
    /// Where both code generators put the divisor.
    static final X86Reg DIVISOR = X86Reg.R11;

    private X86Division() {
    }

    /// The guards around a division by the (run-time) divisor in r11: `byZero` when it is 0,
    /// `byMinusOne` when it is -1 and the division is signed, else `divide`. All three fall
    /// through to the same end.
    static void guarded(CodeBuffer<X86Insn> buf, OpSize sz, boolean signed, Runnable divide, Runnable byZero, Runnable byMinusOne) {
        Label zero = buf.label("div_zero"), done = buf.label("div_done");
        Label minusOne = signed ? buf.label("div_minus_one") : null;
        buf.emit(new X86Insn.TestRR(sz, DIVISOR, DIVISOR));
        buf.emit(new X86LabelRefs.Jcc(X86Cond.E), zero);
        if (signed) {
            buf.emit(new X86Insn.AluRI(X86Insn.AluOp.CMP, sz, DIVISOR, -1));
            buf.emit(new X86LabelRefs.Jcc(X86Cond.E), minusOne);
        }
        divide.run();
        buf.emit(new X86LabelRefs.Jmp(), done);
        buf.bind(zero);
        byZero.run();
        if (signed) {
            buf.emit(new X86LabelRefs.Jmp(), done);
            buf.bind(minusOne);
            byMinusOne.run();
        }
        buf.bind(done);
    }

    /// The division itself, dividend in rax: extends it into rdx (sign for `idiv`, zero for
    /// `div`), then divides by r11. 32-bit forms write eax/edx zero-extended.
    static void divide(CodeBuffer<X86Insn> buf, OpSize sz, boolean signed) {
        if (signed) buf.emit(new X86Insn.SignExtendAccumulator(sz));
        else buf.emit(new X86Insn.AluRR(X86Insn.AluOp.XOR, OpSize.L, X86Reg.RDX, X86Reg.RDX));
        buf.emit(new X86Insn.Unary(signed ? X86Insn.UnaryOp.IDIV : X86Insn.UnaryOp.DIV, sz, DIVISOR));
    }
}
