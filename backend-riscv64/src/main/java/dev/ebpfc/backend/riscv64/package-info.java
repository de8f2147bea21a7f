/// The RISC-V64 code generator: the machine-instruction model ([Riscv64Insn]), the encoder
/// (three layers: R/I/S/B/U/J and compressed formats, one method per instruction, the
/// [Riscv64Insn] switch plus constant materialisation), the optional-extension set
/// ([Riscv64Features]), the printer that GNU objdump is checked against, and the -O0 target
/// ([Riscv64Target]: [Riscv64Lowering] over the fixed [Riscv64RegisterMap], with
/// [Riscv64LabelRefs] for branch relaxation), and the -O2 emitter for the shared pipeline
/// ([Riscv64Machine], [Riscv64Emitter], [Riscv64EmitOps], [Riscv64UpperBits]).
package dev.ebpfc.backend.riscv64;
