package dev.ebpfc.backend.riscv64;

import dev.ebpfc.backend.riscv64.Riscv64Insn.AluImmOp;
import dev.ebpfc.backend.riscv64.Riscv64Insn.AluOp;

import java.util.ArrayList;
import java.util.List;

/// Instruction sequences for BPF operations RV64IMA has no single instruction for, shared by the
/// -O0 lowering ([Riscv64Lowering]) and the -O2 emitter ([Riscv64Emitter]) so that both compute
/// BPF's semantics the same way. Each method returns the instructions; the caller picks the
/// registers (its temporaries must differ from the operands they would clobber).
final class Riscv64Sequences {
    private Riscv64Sequences() {
    }

    /// `d = s` with the low `n` bytes reversed and nothing above them (BPF `be`/`bswap`; there is
    /// no `rev8` without Zbb): byte i moves to byte n-1-i through `t1` and collects in `t0`. `s` is
    /// read up to the last instruction, which is the only one writing `d`, so `d` may be `s`;
    /// `t0` and `t1` must be neither.
    static List<Riscv64Insn> byteSwap(Riscv64Reg d, Riscv64Reg s, int n, Riscv64Reg t0, Riscv64Reg t1) {
        List<Riscv64Insn> out = new ArrayList<>();
        out.add(new Riscv64Insn.AluImm(AluImmOp.ANDI, t0, s, 0xff));
        out.add(new Riscv64Insn.AluImm(AluImmOp.SLLI, t0, t0, 8 * (n - 1)));
        for (int i = 1; i < n; i++) {
            out.add(new Riscv64Insn.AluImm(AluImmOp.SRLI, t1, s, 8 * i));
            // The top byte of a 64-bit value needs no mask: srli 56 leaves only it.
            if (!(i == n - 1 && n == 8)) out.add(new Riscv64Insn.AluImm(AluImmOp.ANDI, t1, t1, 0xff));
            if (n - 1 - i > 0) out.add(new Riscv64Insn.AluImm(AluImmOp.SLLI, t1, t1, 8 * (n - 1 - i)));
            out.add(new Riscv64Insn.Alu(AluOp.OR, i == n - 1 ? d : t0, t0, t1));
        }
        return out;
    }

    /// BPF's quotient by a register (RFC 9669 §4.1: x / 0 = 0). RISC-V agrees on everything but
    /// the zero divisor, where `div`/`divu` give all ones (unpriv. §7.2, table 7.1): the quotient
    /// is ANDed with `(divisor == 0) - 1`, computed into `mask` before the division in case `d` is
    /// the divisor. `divisorHasUpperBits`: only the low 32 bits of `b` count (a 32-bit division of
    /// a register whose upper half may be anything), so they are tested alone. The result of a
    /// `w` division stays sign-extended: the caller zero-extends it.
    static List<Riscv64Insn> quotient(AluOp divide, Riscv64Reg d, Riscv64Reg a, Riscv64Reg b, Riscv64Reg mask,
                                      boolean divisorHasUpperBits) {
        List<Riscv64Insn> out = new ArrayList<>();
        if (divisorHasUpperBits) {
            out.add(new Riscv64Insn.AluImm(AluImmOp.SLLI, mask, b, 32));
            out.add(new Riscv64Insn.AluImm(AluImmOp.SLTIU, mask, mask, 1));
        } else {
            out.add(new Riscv64Insn.AluImm(AluImmOp.SLTIU, mask, b, 1));
        }
        out.add(new Riscv64Insn.AluImm(AluImmOp.ADDI, mask, mask, -1));
        out.add(new Riscv64Insn.Alu(divide, d, a, b));
        out.add(new Riscv64Insn.Alu(AluOp.AND, d, d, mask));
        return out;
    }

    /// BPF's zero-extension of a 32-bit result: `slli 32; srli 32` (no `zext.w` without Zba).
    static List<Riscv64Insn> zext32(Riscv64Reg d, Riscv64Reg s) {
        return List.of(new Riscv64Insn.AluImm(AluImmOp.SLLI, d, s, 32), new Riscv64Insn.AluImm(AluImmOp.SRLI, d, d, 32));
    }

    /// `sext.w d, s`: the canonical `addiw d, s, 0`.
    static Riscv64Insn sext32(Riscv64Reg d, Riscv64Reg s) {
        return new Riscv64Insn.AluImm(AluImmOp.ADDIW, d, s, 0);
    }

    /// `mv d, s` (`addi d, s, 0`).
    static Riscv64Insn mv(Riscv64Reg d, Riscv64Reg s) {
        return new Riscv64Insn.AluImm(AluImmOp.ADDI, d, s, 0);
    }
}
