/// The RISC-V64 code generator. So far: the machine-instruction model ([Riscv64Insn]), the encoder
/// (three layers: R/I/S/B/U/J and compressed formats, one method per instruction, the
/// [Riscv64Insn] switch plus constant materialisation), the optional-extension set
/// ([Riscv64Features]) and the printer that GNU objdump is checked against. Lowering from the IR
/// comes with the backend issue.
package dev.ebpfc.backend.riscv64;
