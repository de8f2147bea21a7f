/// The ARM64 (AArch64) code generator: the machine-instruction model ([Arm64Insn]), the encoder
/// (three layers: encoding-class formats, one method per instruction, the [Arm64Insn] switch),
/// immediate value types ([LogicalImmediate], [Imm12]), constant materialisation
/// ([Arm64Materializer]), the printer that GNU objdump is checked against, and the sequences both
/// levels build the same way ([Arm64Assembler], over [Arm64LabelRefs] for branch relaxation).
/// -O0: [Arm64Target], [Arm64Lowering] over the fixed [Arm64RegisterMap]. -O2: the shared
/// pipeline of [dev.ebpfc.backend.select.OptimisingCompiler] with [Arm64Machine] (registers and
/// calling convention), [Arm64Emitter] (program layout, frames via [Arm64Frame], edges and
/// branches) and [Arm64EmitOps] (the operations).
package dev.ebpfc.backend.arm64;
