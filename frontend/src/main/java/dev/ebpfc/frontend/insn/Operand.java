package dev.ebpfc.frontend.insn;

/// The second operand of ALU, jump and store instructions: a register (source bit `X`) or a 32-bit
/// immediate (source bit `K`).
public sealed interface Operand permits Reg, Imm {
}
