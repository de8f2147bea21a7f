/// The ARM64 (AArch64) code generator. So far: the machine-instruction model ([Arm64Insn]), the
/// encoder (three layers: encoding-class formats, one method per instruction, the [Arm64Insn]
/// switch), immediate value types ([LogicalImmediate], [Imm12]), constant materialisation
/// ([Arm64Materializer]) and the printer that GNU objdump is checked against. Lowering from the IR
/// comes with the backend issue.
package dev.ebpfc.backend.arm64;
