/// The ARM64 (AArch64) code generator: the machine-instruction model ([Arm64Insn]), the encoder
/// (three layers: encoding-class formats, one method per instruction, the [Arm64Insn] switch),
/// immediate value types ([LogicalImmediate], [Imm12]), constant materialisation
/// ([Arm64Materializer]), the printer that GNU objdump is checked against, and the -O0 backend:
/// [Arm64Target], [Arm64Lowering] over the fixed [Arm64RegisterMap], with [Arm64LabelRefs] for
/// branch relaxation. Lowering from the IR comes with -O2.
package dev.ebpfc.backend.arm64;
